// REST over fetch: the bearer token from auth.js, errors as ApiError with the server's
// stable `code` (DESIGN.md §5 error envelope).

const BASE = "/api/v1";
let token = null;
let onUnauthorized = () => {};

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

export function setToken(value) {
  token = value;
}

export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

export async function api(method, path, body) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(new URL(BASE + path, location.href), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (err) {
    throw new ApiError(0, "network_error", "the server cannot be reached");
  }
  if (response.status === 204) return null;
  let payload = null;
  try {
    payload = await response.json();
  } catch (err) {
    payload = null;
  }
  if (!response.ok) {
    const error = (payload && payload.error) || {};
    const failure = new ApiError(response.status, error.code || "http_error", error.message || response.statusText, error.details);
    if (response.status === 401 && token) onUnauthorized(failure);
    throw failure;
  }
  return payload;
}
