// DOM and formatting helpers. Every text a record carries is set with
// textContent (never as HTML): a record's values are whatever its signer
// wrote.

import { t, lang } from "./messages.js";

// h builds an element: h("a", {href: "#/"}, "text", child, ...). Attribute
// values null, undefined or false are left out; "class" and "for" may be
// given as className and htmlFor too; on* attributes take functions.
export function h(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      e.addEventListener(k.slice(2), v);
    } else if (k === "className") {
      e.setAttribute("class", v);
    } else if (k === "htmlFor") {
      e.setAttribute("for", v);
    } else {
      e.setAttribute(k, v === true ? "" : String(v));
    }
  }
  append(e, children);
  return e;
}

function append(e, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(e, c);
    else if (c instanceof Node) e.appendChild(c);
    else e.appendChild(document.createTextNode(String(c)));
  }
}

// clear empties an element and appends children.
export function replace(e, ...children) {
  e.replaceChildren();
  append(e, children);
  return e;
}

// link is an in-page link to a route (#/...).
export function link(route, ...children) {
  return h("a", { href: "#" + route }, ...children);
}

// fmtTime formats an RFC 3339 time in UTC, with seconds.
export function fmtTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return d.toLocaleString(lang(), { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" }) + " UTC";
}

// timeEl is a <time> element for an RFC 3339 time.
export function timeEl(iso) {
  return h("time", { datetime: iso }, fmtTime(iso));
}

export function fmtNumber(n) {
  if (n === null || n === undefined || n === "") return "";
  return Number(n).toLocaleString(lang());
}

// fmtMoney formats an amount in minor units of currency (EUR cents).
export function fmtMoney(minor, currency) {
  if (minor === null || minor === undefined) return "";
  const cur = currency || "EUR";
  try {
    const f = new Intl.NumberFormat(lang(), { style: "currency", currency: cur });
    const digits = f.resolvedOptions().maximumFractionDigits;
    return f.format(Number(minor) / 10 ** digits);
  } catch {
    return `${fmtNumber(minor)} ${cur} (${t("money.minor")})`;
  }
}

// fmtShare says "1/2 (50 %)".
export function fmtShare(shares, denominator) {
  const pct = denominator ? (100 * shares) / denominator : 0;
  const p = pct.toLocaleString(lang(), { maximumFractionDigits: 2 });
  return `${shares}/${denominator} (${p} %)`;
}

// shortHex is the first 8 and last 4 digits of a long hex string.
export function shortHex(s) {
  s = String(s || "");
  return s.length > 16 ? `${s.slice(0, 8)}…${s.slice(-4)}` : s;
}

// account is a link to an account's page, shown short, named in full for
// screen readers and on hover.
export function account(addr, label) {
  if (!addr) return t("none");
  return h("a", { href: "#/account/" + addr, className: "hex", title: addr, "aria-label": t("account.label", { addr }) },
    label || shortHex(addr));
}

// hexEl shows a long hash short, in full on hover and to screen readers.
export function hexEl(s) {
  return h("span", { className: "hex", title: s, "aria-label": s }, shortHex(s));
}

// dl renders [term, value] pairs as a definition list; pairs whose value
// is null, undefined or "" are left out.
export function dl(pairs, cls) {
  const list = h("dl", { className: cls || "fields" });
  for (const [k, v] of pairs) {
    if (v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) continue;
    list.append(h("dt", {}, k), h("dd", {}, v));
  }
  return list;
}

// joinList joins names as "A, B and C" in the page's language.
export function joinList(items) {
  const and = t("and");
  if (items.length <= 1) return items.join("");
  return items.slice(0, -1).join(", ") + ` ${and} ` + items[items.length - 1];
}

// humanise turns an identifier (register_parcel) into words.
export function humanise(s) {
  s = String(s || "").replace(/[_/]+/g, " ").trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}
