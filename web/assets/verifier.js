// The verifier: package verify compiled to WebAssembly (web/wasm), the
// trust root it checks against, pinned in localStorage, and the agencies
// that name the validators, taken from a verified /agency/list.

import * as api from "./api.js";
import { t } from "./messages.js";

const TRUST_KEY = "govchain.trust";
const AGENCIES_KEY = "govchain.agencies.";

// state is what the page shows of the verifier and the trust root.
export const state = {
  // verifier: "loading", "ready", "not-built" or "failed" (with error).
  verifier: "loading",
  error: "",
  // trust: the pinned trust root (a verifier TrustSummary) or null;
  // trustSource: "node" (pinned from the server at first load) or "file";
  // trustName: the file's name; trustPinnedAt: when it was pinned.
  trust: null,
  trustSource: "",
  trustName: "",
  trustPinnedAt: "",
  // nodeTrust: the server's trust root when it differs from the pinned one.
  nodeTrust: null,
  // serverTrust: the server's trust root, if it serves one.
  serverTrust: null,
  // agencies: [{id, name, pub_key}] proven by /agency/list.
  agencies: [],
};

export const events = new EventTarget();
const changed = () => events.dispatchEvent(new Event("change"));

let loading = null;

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`${src} did not load`));
    document.head.appendChild(s);
  });
}

// load fetches and starts the WebAssembly verifier once; it resolves when
// govchainVerify is defined. A binary built without the verifier answers
// 404 with X-Govchain-Verifier: not-built.
export function load() {
  if (loading) return loading;
  loading = (async () => {
    performance.mark("govchain-verifier-start");
    const res = await fetch("/assets/verifier.wasm");
    if (res.status === 404 && res.headers.get("X-Govchain-Verifier") === "not-built") {
      state.verifier = "not-built";
      changed();
      throw new Error(t("verifier.notBuilt"));
    }
    if (!res.ok) throw new Error(`/assets/verifier.wasm: HTTP ${res.status}`);
    await loadScript("/assets/wasm_exec.js");
    const go = new globalThis.Go();
    const ready = new Promise((resolve) => {
      globalThis.govchainVerifierReady = resolve;
    });
    let instance;
    if (WebAssembly.instantiateStreaming) {
      ({ instance } = await WebAssembly.instantiateStreaming(res, go.importObject));
    } else {
      ({ instance } = await WebAssembly.instantiate(await res.arrayBuffer(), go.importObject));
    }
    go.run(instance);
    await ready;
    performance.mark("govchain-verifier-ready");
    state.verifier = "ready";
    changed();
  })().catch((e) => {
    if (state.verifier !== "not-built") {
      state.verifier = "failed";
      state.error = String(e.message || e);
    }
    changed();
    throw e;
  });
  return loading;
}

const enc = new TextEncoder();

function summarise(bytes) {
  return JSON.parse(globalThis.govchainTrust(typeof bytes === "string" ? enc.encode(bytes) : bytes));
}

// differs says whether the server's trust root is not the pinned one.
function differs() {
  const s = state.serverTrust;
  return s && state.trust && JSON.stringify(s.file) !== JSON.stringify(state.trust.file) ? s : null;
}

function pin(sum, source, name) {
  state.trust = sum;
  state.trustSource = source;
  state.trustName = name || "";
  state.trustPinnedAt = new Date().toISOString();
  state.nodeTrust = differs();
  localStorage.setItem(TRUST_KEY, JSON.stringify({ file: sum.file, source, name: state.trustName, pinned_at: state.trustPinnedAt }));
  state.agencies = loadAgencies(sum.chain_id);
  changed();
}

function loadAgencies(chainID) {
  try {
    return JSON.parse(localStorage.getItem(AGENCIES_KEY + chainID) || "[]");
  } catch {
    return [];
  }
}

// initTrust sets the trust root: the pinned one, or else the server's
// (/api/v1/trust), pinned from then on. It notes a server whose trust
// root differs from the pinned one.
export async function initTrust() {
  await load();
  const saved = localStorage.getItem(TRUST_KEY);
  if (saved) {
    try {
      const p = JSON.parse(saved);
      const sum = summarise(JSON.stringify(p.file));
      if (!sum.error) {
        state.trust = sum;
        state.trustSource = p.source;
        state.trustName = p.name || "";
        state.trustPinnedAt = p.pinned_at || "";
        state.agencies = loadAgencies(sum.chain_id);
      }
    } catch {
      state.trust = null;
    }
  }
  let node = null;
  try {
    node = summarise(await api.trust());
  } catch {
    node = null;
  }
  state.serverTrust = node && !node.error ? node : null;
  if (!state.trust) {
    if (state.serverTrust) pin(state.serverTrust, "node", "");
  } else {
    state.nodeTrust = differs();
  }
  changed();
}

// useNodeTrust pins the server's trust root in place of the pinned one.
export function useNodeTrust() {
  if (state.serverTrust) pin(state.serverTrust, "node", "");
}

// loadTrustFile reads a genesis.json or validator-set file and, if it is
// one, pins it. It returns the verifier's reason when it is not.
export async function loadTrustFile(file) {
  await load();
  const sum = summarise(new Uint8Array(await file.arrayBuffer()));
  if (sum.error) return sum.error;
  pin(sum, "file", file.name);
  return "";
}

// forgetTrust drops the pinned trust root and pins the server's again.
export async function forgetTrust() {
  localStorage.removeItem(TRUST_KEY);
  state.trust = null;
  state.nodeTrust = null;
  await initTrust();
}

// claimed reads what a certificate says, for display when it cannot be
// verified at all (no verifier, no trust root).
function claimed(bytes) {
  try {
    const c = JSON.parse(new TextDecoder().decode(bytes));
    return { kind: c.kind, chain_id: c.chain_id, path: c.path, height: c.height, entries: c.entries || [] };
  } catch {
    return { entries: [] };
  }
}

let started = null;

// start loads the verifier, sets the trust root and reads the agencies
// from /agency/list at the state version height() returns. Every verify
// waits for it.
export function start(height) {
  started = (async () => {
    try {
      await initTrust();
    } catch {
      return;
    }
    if (state.trust) {
      try {
        await refresh(await height());
      } catch {
        // No node: the agencies pinned earlier (if any) name the signers.
      }
    }
  })();
  return started;
}

// verify checks certificate bytes against the pinned trust root and names
// the signers with the proven agencies. The report says verified, or why
// not.
export async function verify(bytes) {
  if (started) await started;
  return verifyNow(bytes);
}

async function verifyNow(bytes) {
  try {
    await load();
  } catch (e) {
    return { ...claimed(bytes), verified: false, error: String(e.message || e) };
  }
  if (!state.trust) return { ...claimed(bytes), verified: false, error: t("trust.none") };
  const start = performance.now();
  const rep = JSON.parse(globalThis.govchainVerify(bytes, JSON.stringify(state.trust.file), JSON.stringify(state.agencies)));
  rep.ms = performance.now() - start;
  return rep;
}

// pathKey is the hex store key a query path names, or "".
export function pathKey(path) {
  return state.verifier === "ready" ? globalThis.govchainPathKey(path) : "";
}

// sha256 hashes a file's bytes in the browser: crypto.subtle where the
// page is a secure context, the verifier's own SHA-256 elsewhere.
export async function sha256(buf) {
  if (globalThis.crypto && crypto.subtle) {
    const d = await crypto.subtle.digest("SHA-256", buf);
    return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
  }
  await load();
  return globalThis.govchainSHA256(new Uint8Array(buf));
}

// fetchVerified fetches the certificate of path and verifies it. It
// returns {report} or, when the server gave no certificate, {error} (an
// api.ApiError).
export async function fetchVerified(path, opts) {
  if (started) await started;
  return fetchNow(path, opts);
}

async function fetchNow(path, opts = {}) {
  let bytes;
  try {
    bytes = await api.certificate(path, opts);
  } catch (e) {
    return { error: e };
  }
  return { report: answers(await verifyNow(bytes), path, opts.height), bytes };
}

// answers checks that a verified report is the answer asked for: a
// certificate proves what its own path held at its own height, so a
// server that sends a genuine certificate of another record, or of
// another state, has not answered the question.
function answers(rep, path, height) {
  if (!rep.verified) return rep;
  if (rep.path !== path) return { ...rep, verified: false, error: t("answer.path", { got: rep.path, path }) };
  if (height && rep.height !== height) return { ...rep, verified: false, error: t("answer.height", { got: rep.height, height }) };
  return rep;
}

// refreshAgencies verifies /agency/list at height and, if it verifies,
// keeps its agencies (in localStorage too) to name the signers. It
// returns the report, or null without a trust root or a certificate.
export async function refreshAgencies(height) {
  if (started) await started;
  return refresh(height);
}

async function refresh(height) {
  if (!state.trust) return null;
  const { report } = await fetchNow("/agency/list", { height });
  if (report && report.verified && report.agencies) {
    state.agencies = report.agencies;
    localStorage.setItem(AGENCIES_KEY + state.trust.chain_id, JSON.stringify(report.agencies));
    changed();
  }
  return report || null;
}
