// The HTTP API the page reads, on its own origin (package api): JSON
// answers, and certificates exactly as `govchain certificate export`
// writes them.

import { t } from "./messages.js";

const base = "/api/v1";

// ApiError is a failed request: the API's {"code", "codespace", "error"},
// or the HTTP status.
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || (status ? t("api.status", { status }) : t("api.unreachable", { reason: (body && body.reason) || "" })));
    this.status = status;
    this.code = body && body.code;
    this.codespace = body && body.codespace;
  }
}

async function request(url) {
  let res;
  try {
    res = await fetch(url, { headers: { Accept: "application/json" } });
  } catch (e) {
    throw new ApiError(0, { reason: String(e.message || e) });
  }
  if (!res.ok) {
    let body = null;
    try {
      body = await res.json();
    } catch {
      body = null;
    }
    throw new ApiError(res.status, body);
  }
  return res;
}

// getJSON fetches an API path (below /api/v1) and decodes it.
export async function getJSON(path) {
  const res = await request(base + path);
  return res.json();
}

// encodePath encodes each segment of a registry query path.
export function encodePath(path) {
  return path.split("/").map((s) => encodeURIComponent(s)).join("/");
}

// certificate fetches the certificate of a registry query path (which
// starts with "/") as bytes: opts.complete for a numbered list, opts.height
// for a state version.
export async function certificate(path, opts = {}) {
  const q = new URLSearchParams();
  if (opts.complete) q.set("complete", "true");
  if (opts.height) q.set("height", String(opts.height));
  const qs = q.toString();
  const res = await request(`${base}/certificate${encodePath(path)}${qs ? "?" + qs : ""}`);
  return new Uint8Array(await res.arrayBuffer());
}

// trust fetches the trust root the server was given, as bytes.
export async function trust() {
  const res = await request(`${base}/trust`);
  return new Uint8Array(await res.arrayBuffer());
}

export const status = () => getJSON("/status");
export const block = (h) => getJSON(`/blocks/${encodeURIComponent(h)}`);
export const tx = (hash) => getJSON(`/txs/${encodeURIComponent(hash)}`);
export const validators = () => getJSON("/validators");

// latestHeight reads the latest block height from a status answer.
export function latestHeight(st) {
  return (st && Number(st.latest_height)) || 0;
}
