// Feature "people" (see features.js for the hooks and ctx).

export default {
  name: "people",
};
