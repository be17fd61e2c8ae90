// Feature "moderation" (see features.js for the hooks and ctx).

export default {
  name: "moderation",
};
