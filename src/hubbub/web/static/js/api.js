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

// A fresh idempotency key for a create (DESIGN.md: a retried create with the same
// nonce answers the first one instead of making a second).
export function nonce() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

export function setToken(value) {
  token = value;
}

export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

// A 401 ends the session only when it answers a request made with the token still in
// use: a request of a user who has since logged out (and been followed by another on the
// same page) must not sign the next one out.
function unauthorized(sentWith, failure) {
  if (sentWith && sentWith === token) onUnauthorized(failure);
}

export async function api(method, path, body) {
  const headers = {};
  const sentWith = token;
  if (sentWith) headers.Authorization = `Bearer ${sentWith}`;
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
    if (response.status === 401) unauthorized(sentWith, failure);
    throw failure;
  }
  return payload;
}

// A multipart upload with progress (fetch cannot report upload progress): XMLHttpRequest
// with the same bearer token and error envelope as api(). `onProgress(loaded, total)`
// follows the bytes sent. Returns {promise, abort}; an aborted upload rejects with the
// code "aborted".
export function upload(method, path, form, onProgress) {
  const xhr = new XMLHttpRequest();
  const sentWith = token;
  const promise = new Promise((resolve, reject) => {
    xhr.open(method, new URL(BASE + path, location.href));
    if (sentWith) xhr.setRequestHeader("Authorization", `Bearer ${sentWith}`);
    xhr.responseType = "text";
    xhr.upload.addEventListener("progress", (ev) => {
      if (onProgress && ev.lengthComputable) onProgress(ev.loaded, ev.total);
    });
    xhr.addEventListener("load", () => {
      let payload = null;
      try {
        payload = JSON.parse(xhr.responseText);
      } catch (err) {
        payload = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(payload);
        return;
      }
      const error = (payload && payload.error) || {};
      const failure = new ApiError(xhr.status, error.code || "http_error", error.message || xhr.statusText || "upload failed", error.details);
      if (xhr.status === 401) unauthorized(sentWith, failure);
      reject(failure);
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, "network_error", "the server cannot be reached")));
    xhr.addEventListener("abort", () => reject(new ApiError(0, "aborted", "upload cancelled")));
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

// A file the API serves only to the signed-in (attachments): fetched with the token,
// handed out as a blob: URL (the CSP allows blob: images).
export async function fetchBlobUrl(url) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  let response;
  try {
    response = await fetch(new URL(url, location.href), { headers, credentials: "omit" });
  } catch (err) {
    throw new ApiError(0, "network_error", "the server cannot be reached");
  }
  if (!response.ok) {
    let error = {};
    try {
      error = (await response.json()).error || {};
    } catch (err) {
      error = {};
    }
    throw new ApiError(response.status, error.code || "http_error", error.message || response.statusText);
  }
  return URL.createObjectURL(await response.blob());
}
