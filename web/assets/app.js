// The page: a router over location.hash, and one view per kind of page.
// Records are read only from certificates, verified in the browser before
// they are shown as verified; what the node says without a certificate
// (blocks, transactions, its validator list) is labelled as the node's.

import { t, setLang, lang, languages } from "./messages.js";
import { h, replace, link, timeEl, fmtTime, fmtNumber, fmtMoney, fmtShare, account, hexEl, dl, joinList, humanise, shortHex } from "./dom.js";
import * as api from "./api.js";
import * as V from "./verifier.js";

const main = document.getElementById("main");

// ---- The state version read -------------------------------------------

// The page reads every record at one state version H = latest block - 1,
// whose header H+1 exists already (a certificate needs it), so that the
// records of one page are of one state.
let latest = { height: 0, at: 0 };

async function readHeight() {
  if (Date.now() - latest.at > 1500) {
    try {
      latest = { height: api.latestHeight(await api.status()), at: Date.now() };
    } catch {
      latest = { height: 0, at: Date.now() };
    }
  }
  return latest.height > 1 ? latest.height - 1 : 0;
}

// ---- Verification verdicts --------------------------------------------

function signerNames(rep) {
  return (rep.signers || []).map((s) => s.name || t("validator.unnamed", { addr: shortHex(s.address) }));
}

// verdictText is the one line that says whether a report verified.
export function verdictText(rep) {
  if (!rep.verified) return t("verdict.not", { reason: rep.error });
  return t("verdict.ok", {
    signers: joinList(signerNames(rep)),
    signed: fmtNumber(rep.signed_power),
    total: fmtNumber(rep.total_power),
    height: rep.height,
    time: fmtTime(rep.time),
  });
}

// provenText says what a verified report proves beyond the record.
function provenText(rep) {
  if (!rep.verified) return "";
  if (rep.kind === "absence") return t("proven.absence", { path: rep.path });
  const n = Number(rep.count || 0);
  if (rep.complete && n === 0) return t("proven.empty", { path: rep.path });
  if (rep.complete) return t(n === 1 ? "proven.complete1" : "proven.complete", { n });
  if (rep.kind === "history") return t("proven.history");
  return "";
}

// verdict returns a live region that says "Verifying…" (or, idle,
// nothing until something is verified) and later the verdict of a report
// (set with .show(report)).
function verdict(label, idle) {
  const line = h("p", { className: "verdict-line" }, idle ? "" : t("verifying"));
  const more = h("div", { className: "verdict-more" });
  const box = h("section", { className: idle ? "verdict idle" : "verdict pending", role: "status", "aria-live": "polite", "aria-label": label || t("verification") }, line, more);
  box.show = (rep) => {
    performance.mark("govchain-verdict");
    box.className = "verdict " + (rep.verified ? "ok" : "bad");
    box.dataset.verified = rep.verified ? "true" : "false";
    replace(line, h("strong", {}, verdictText(rep)));
    const proven = provenText(rep);
    replace(more, proven ? h("p", {}, proven) : null, checkDetails(rep));
  };
  box.fail = (msg) => {
    box.className = "verdict bad";
    box.dataset.verified = "false";
    replace(line, h("strong", {}, t("verdict.not", { reason: msg })));
    replace(more);
  };
  return box;
}

// checkDetails lists what was checked, for the curious.
function checkDetails(rep) {
  const tr = V.state.trust;
  return h("details", {},
    h("summary", {}, t("details.summary")),
    dl([
      [t("details.path"), rep.path],
      [t("details.kind"), rep.kind],
      [t("details.chain"), rep.chain_id],
      [t("details.state"), rep.height],
      [t("details.header"), rep.header_height],
      [t("details.time"), rep.time ? fmtTime(rep.time) : ""],
      [t("details.apphash"), rep.app_hash ? hexEl(rep.app_hash) : ""],
      [t("details.key"), rep.key ? hexEl(rep.key) : ""],
      [t("details.validators"), rep.verified ? t("details.validatorsN", { signed: (rep.signers || []).length, n: rep.validators }) : ""],
      [t("details.trust"), tr ? t("details.trustOf", { chain: tr.chain_id, n: tr.validators.length }) : t("trust.none")],
      [t("details.ms"), rep.ms !== undefined ? `${rep.ms.toFixed(1)} ms` : ""],
    ]),
    h("p", {}, t("details.how")));
}

// badge is the short verdict of a related record's certificate.
function badge(rep) {
  if (!rep) return null;
  return h("span", { className: "badge " + (rep.verified ? "ok" : "bad"), title: rep.verified ? verdictText(rep) : rep.error },
    rep.verified ? t("badge.ok") : t("badge.not", { reason: rep.error }));
}

// entryValues returns the decoded values of a report's entries.
function values(rep) {
  return (rep.entries || []).map((e) => e.value);
}

// bindList checks that the entries after the anchor of a verified list
// are exactly the records at paths, in order (a list certificate proves
// each entry, and this binds them to what the anchor names). It returns
// the report, not verified if they are not.
function bindList(rep, paths) {
  if (!rep.verified) return rep;
  const keys = (rep.entries || []).slice(1).map((e) => e.key);
  const want = paths.map((p) => V.pathKey(p));
  if (keys.length !== want.length || keys.some((k, i) => k !== want[i])) {
    return { ...rep, verified: false, error: t("bind.list", { path: rep.path }) };
  }
  return rep;
}

// bindCount checks that a verified list's anchor counts its entries.
function bindCount(rep, n) {
  if (!rep.verified) return rep;
  if ((rep.entries || []).length - 1 !== Number(n)) {
    return { ...rep, verified: false, error: t("bind.count", { path: rep.path, n, got: (rep.entries || []).length - 1 }) };
  }
  return rep;
}

// ---- Values in words ----------------------------------------------------

const accountKeys = new Set(["account", "owner", "buyer", "seller", "bank", "actor", "issuer", "station", "insurer", "signer",
  "notary", "proposer", "voter", "flagged_by", "cleared_by", "closed_by", "released_by", "registered_by", "anchored_by",
  "linked_by", "tax_liable", "new_owner", "previous_owner", "heir", "subject_account", "requester_account"]);

// label is a field's name in words.
function label(key) {
  const m = t("f." + key, null, true);
  return m || humanise(key);
}

// value renders one field of a record in words; module is the registry
// whose ids the record's numbers refer to.
function value(key, v, module, rec) {
  if (v === null || v === undefined) return t("none");
  if (typeof v === "boolean") return v ? t("yes") : t("no");
  if (Array.isArray(v)) {
    if (v.length === 0) return t("none");
    if (v.every((x) => x && typeof x === "object" && "account" in x && "shares" in x)) {
      const den = (rec && (rec.denominator || rec.owners_denominator)) || 0;
      return h("ul", {}, v.map((o) => h("li", {}, account(o.account), " ", den ? fmtShare(o.shares, den) : `${o.shares}`)));
    }
    if (v.every((x) => x === null || typeof x !== "object")) {
      const kind = idLists[key];
      const items = v.map((x) => (kind && typeof x === "number" ? recordLink(module, kind, x) : value(singular(key), x, module, rec)));
      return h("span", {}, items.flatMap((x, i) => (i ? [", ", x] : [x])));
    }
    return h("ol", {}, v.map((x) => h("li", {}, value(singular(key), x, module, rec))));
  }
  if (typeof v === "object") {
    return dl(Object.entries(v).filter(([k, x]) => !empty(k, x)).map(([k, x]) => [label(k), value(k, x, module, v)]), "fields nested");
  }
  const s = String(v);
  if (accountKeys.has(key) && /^[0-9a-f]{40}$/.test(s)) return account(s);
  if ((key.endsWith("_at") || key === "time" || key === "since" || key.endsWith("_since") || key === "valid_from" ||
    key === "valid_to" || key === "valid_until") && /^\d{4}-\d\d-\d\dT/.test(s)) return timeEl(s);
  if (/^[0-9a-f]{64}$/.test(s)) {
    if (key === "document_hash") return link("/document/" + s, hexEl(s));
    if (key === "tx_hash") return link("/tx/" + s, hexEl(s));
    return hexEl(s);
  }
  if (key === "status" || key === "result" || key === "outcome" || key === "option") return t("status." + s, null, true) || humanise(s);
  if ((key === "price" || key === "amount" || key.endsWith("_total") || key.startsWith("credited_")) && rec && typeof v === "number") {
    return fmtMoney(v, rec.currency);
  }
  if (key === "area_m2") return t("unit.m2", { n: fmtNumber(v) });
  if (key.endsWith("_km")) return t("unit.km", { n: fmtNumber(v) });
  if (key.endsWith("height") && typeof v === "number" && v > 0) return link("/block/" + v, fmtNumber(v));
  if (key === "parcel_id" || key === "parent" || key === "child" || key === "parents" || key === "children" || key === "parcel") {
    return link("/parcel/" + encodeURIComponent(s), s);
  }
  if (key === "vin") return link("/vehicle/" + encodeURIComponent(s), s);
  if (typeof v === "number" && /^(transfer_id|lien_id|dispute_id|proposal_id|superseded_by|released_by_transfer|open_transfer|superseded_transfer)$/.test(key)) {
    if (v === 0) return t("none");
    return recordLink(module, key.replace(/_id$/, "").replace(/^(superseded_by|released_by_transfer|superseded_transfer|open_transfer)$/, "transfer"), v);
  }
  if (typeof v === "number") return fmtNumber(v);
  return s;
}

// idLists are the fields that list the ids of a registry's records.
const idLists = { pending_liens: "lien", active_liens: "lien", released_liens: "lien", pending_transfers: "transfer", open_disputes: "dispute", open: "proposal" };

// recordLink links a registry's record by its numeric id.
function recordLink(module, kind, id) {
  const mod = kind === "proposal" ? "gov" : module;
  const route = kind === "proposal" ? `/proposal/${id}` : `/record/${mod}/${kind}/${id}`;
  return link(route, `${t("kind." + kind, null, true) || humanise(kind)} ${id}`);
}

function singular(key) {
  if (key === "children") return "child";
  if (key === "parents") return "parent";
  if (key.endsWith("ies")) return key.slice(0, -3) + "y";
  if (key.endsWith("s")) return key.slice(0, -1);
  return key;
}

// empty is a field that says nothing: null, "", an empty list, or a zero
// height or record id (the registries' "not yet").
function empty(key, v) {
  if (v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) return true;
  return v === 0 && /(height|_id|_transfer|^open_transfer|^superseded_by)$/.test(key);
}

// fields renders a record's fields (all but those in skip, and the empty
// ones) in words.
function fields(rec, module, skip = []) {
  if (!rec || typeof rec !== "object") return h("p", {}, String(rec));
  return dl(Object.entries(rec).filter(([k, v]) => !skip.includes(k) && !empty(k, v)).map(([k, v]) => [label(k), value(k, v, module, rec)]));
}

// ---- Agencies and roles of signers -------------------------------------

// agencyName names an agency id with the proven agencies.
function agencyName(id) {
  const a = V.state.agencies.find((x) => x.id === id);
  return a ? a.name : id;
}

// roleHistory fetches and verifies an account's role history (complete),
// once per page.
function roleFinder(height) {
  const cache = new Map();
  return (addr) => {
    if (!cache.has(addr)) {
      cache.set(addr, (async () => {
        const r = await V.fetchVerified(`/agency/account/${addr}/history`, { complete: true, height });
        if (r.error) {
          // Never held a role: prove it with the absence of the record.
          const a = await V.fetchVerified(`/agency/account/${addr}/roles`, { height });
          return a.report || { verified: false, error: String(a.error && a.error.message), entries: [] };
        }
        return r.report;
      })());
    }
    return cache.get(addr);
  };
}

// rolesAt returns the roles (with their agencies) an account held at a
// height, from its verified role history.
function rolesAt(rep, height) {
  const held = new Map();
  for (const e of values(rep).slice(1)) {
    if (!e || e.height > height) continue;
    const d = e.details || {};
    if (e.action === "grant_role") held.set(d.role, d.agency);
    if (e.action === "revoke_role") held.delete(d.role);
  }
  return [...held].map(([role, agency]) => ({ role, agency }));
}

// whoText says, in words, who an actor was at a height: the roles it held
// and for which agency, or that it administers an agency, or neither.
async function whoText(addr, height, roles) {
  const admin = V.state.agencies.find((a) => (a.admins || []).includes(addr));
  const rep = await roles(addr);
  const parts = [];
  if (rep.verified) {
    for (const r of rolesAt(rep, height)) parts.push(t("role.as", { role: t("role." + r.role, null, true) || humanise(r.role), agency: agencyName(r.agency) }));
  }
  if (admin) parts.push(t("role.admin", { agency: admin.name }));
  if (!rep.verified && !admin) return t("role.unverified", { reason: rep.error });
  if (parts.length === 0) return t("role.none");
  return joinList(parts);
}

// ---- Timeline ------------------------------------------------------------

// timeline renders a record's verified history: each change with its
// transaction, signer (agency and role) and block time, and its events
// on request.
function timeline(entries, module, roles) {
  const list = h("ol", { className: "timeline", "aria-label": t("history.label") });
  for (const e of entries) {
    const who = h("span", { className: "who" }, t("loading"));
    const events = h("div", { className: "events", hidden: true });
    const btn = h("button", { type: "button", "aria-expanded": "false" }, t("events.show"));
    btn.addEventListener("click", async () => {
      const open = btn.getAttribute("aria-expanded") === "true";
      btn.setAttribute("aria-expanded", open ? "false" : "true");
      btn.textContent = open ? t("events.show") : t("events.hide");
      events.hidden = open;
      if (!open && !events.dataset.loaded) {
        events.dataset.loaded = "1";
        replace(events, t("loading"));
        try {
          replace(events, renderEvents(await api.tx(e.tx_hash)));
        } catch (err) {
          replace(events, t("events.error", { reason: err.message }));
        }
      }
    });
    list.append(h("li", {},
      h("p", { className: "what" }, h("strong", {}, t("action." + e.action, null, true) || humanise(e.action)), " — ", timeEl(e.time)),
      h("p", {}, t("history.by"), " ", account(e.actor), " (", who, ")"),
      h("p", { className: "tx" }, t("history.tx"), " ", link("/tx/" + e.tx_hash, shortHex(e.tx_hash)), ", ", t("history.block"), " ",
        link("/block/" + e.height, String(e.height))),
      e.details ? fields(e.details, module) : null,
      btn, events));
    whoText(e.actor, e.height, roles).then((s) => replace(who, s), () => replace(who, t("role.unknown")));
  }
  return list;
}

// renderEvents lists a transaction's events as the node reports them.
function renderEvents(txr) {
  const evs = (txr && txr.events) || [];
  if (!evs.length) return h("p", {}, t("events.none"));
  return h("ul", {}, evs.map((ev) => h("li", {}, h("strong", {}, ev.type || ""), " ",
    (ev.attributes || []).map((a) => `${a.key}=${a.value}`).join(" "))));
}

// ---- Views ---------------------------------------------------------------

// page starts a view: a heading (focused on navigation) and a title.
function page(view, title, intro) {
  document.title = `${title} — ${t("app.name")}`;
  const h1 = h("h1", { tabindex: "-1" }, title);
  view.append(h1);
  if (intro) view.append(h("p", { className: "intro" }, intro));
  return h1;
}

function section(view, title, ...children) {
  const s = h("section", { "aria-label": title }, h("h2", {}, title), ...children);
  view.append(s);
  return s;
}

// recordView verifies the certificate of a record's complete history
// (or, when the record does not exist, of its absence) and renders it
// with render(record, history, rep, height) below the verdict.
async function recordView(view, { path, title, intro, module, render, absent }) {
  page(view, title, intro);
  const box = verdict();
  view.append(box);
  const body = h("div", { className: "record" });
  view.append(body);
  const height = await readHeight();
  let r = await V.fetchVerified(path + "/history", { complete: true, height });
  if (r.error) {
    r = await V.fetchVerified(path, { height });
  }
  if (r.error) {
    box.fail(r.error.message);
    return;
  }
  const rep = r.report;
  box.show(rep);
  if (!rep.verified) body.append(h("p", { className: "warning" }, t("unverified.shown")));
  if (rep.kind === "absence" || !(rep.entries || []).length) {
    body.append(h("p", { className: "summary" }, absent || t("record.absent")));
    return;
  }
  const vals = values(rep);
  const rec = vals[0];
  const history = rep.kind === "record" ? [] : vals.slice(1);
  const roles = roleFinder(height);
  // The history is shown at once, below what render fills in as its
  // related records verify.
  const top = h("div");
  const bottom = h("div");
  body.append(top, bottom);
  if (history.length) {
    section(bottom, t("history.title", { n: history.length }), timeline(history, module, roles));
  }
  await render(top, rec, history, rep, height, roles);
}

// related verifies a list certificate of records named by a record and
// renders each record; paths are the records the anchor names.
async function related(body, title, path, paths, height, render) {
  const s = section(body, title);
  if (paths.length === 0) {
    s.append(h("p", {}, t("related.none")));
    return;
  }
  const r = await V.fetchVerified(path, { height });
  if (r.error) {
    s.append(h("p", { className: "bad" }, t("verdict.not", { reason: r.error.message })));
    return;
  }
  const rep = bindList(r.report, paths);
  s.append(badge(rep));
  const list = h("ul", { className: "cards" });
  for (const v of values(rep).slice(1)) list.append(h("li", {}, render(v)));
  s.append(list);
}

function viewParcel(view, id) {
  return recordView(view, {
    path: `/land/parcel/${id}`, module: "land",
    title: t("parcel.title", { id }),
    absent: t("parcel.absent", { id }),
    render: async (body, p, history, rep, height) => {
      body.append(h("p", { className: "summary" }, t("parcel.summary", {
        id: p.id, area: fmtNumber(p.area_m2), location: p.location || t("none"), ref: p.cadastral_ref,
        status: t("status." + p.status, null, true) || p.status,
      })));
      body.append(h("p", {}, t("parcel.owners")), value("owners", p.owners, "land", p));
      body.append(fields(p, "land", ["id", "owners", "history_count", "denominator"]));
      const lineage = [...(p.parents || []).map((x) => [t("parcel.parent"), x]), ...(p.children || []).map((x) => [t("parcel.child"), x])];
      if (lineage.length) {
        section(body, t("parcel.lineage"), h("ul", {}, lineage.map(([k, x]) => h("li", {}, `${k}: `, link("/parcel/" + encodeURIComponent(x), x)))));
      }
      const liens = [...(p.pending_liens || []), ...(p.active_liens || [])];
      await Promise.all([
        related(body, t("parcel.liens", { n: liens.length }), `/land/parcel/${id}/liens`, liens.map((n) => `/land/lien/${n}`), height,
          (l) => [h("strong", {}, t("lien.summary", { id: l.id, amount: fmtMoney(l.amount, l.currency), status: t("status." + l.status, null, true) || l.status })),
            " ", account(l.bank), fields(l, "land", ["id", "parcel_id", "acceptances"])]),
        related(body, t("parcel.disputes", { n: (p.open_disputes || []).length }), `/land/parcel/${id}/disputes`,
          (p.open_disputes || []).map((n) => `/land/dispute/${n}`), height,
          (d) => [h("strong", {}, t("dispute.summary", { id: d.id, reason: d.reason })), fields(d, "land", ["id", "parcel_id", "reason"])]),
        related(body, t("parcel.transfers", { n: (p.pending_transfers || []).length }), `/land/parcel/${id}/transfers`,
          (p.pending_transfers || []).map((n) => `/land/transfer/${n}`), height,
          (x) => [h("strong", {}, t("transfer.summary", { id: x.id, price: fmtMoney(x.price, x.currency) })), fields(x, "land", ["id", "parcel_id"])]),
      ]);
    },
  });
}

// vehicleReadings lists a vehicle's inspections and odometer readings
// from its verified history.
function vehicleReadings(history) {
  const insp = history.filter((e) => e.action === "record_inspection");
  const odo = history.filter((e) => e.details && (e.details.odometer_km !== undefined || e.details.claimed_km !== undefined));
  const table = (caption, head, rows) => h("table", {}, h("caption", {}, caption),
    h("thead", {}, h("tr", {}, head.map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c))))));
  return [
    table(t("vehicle.inspections", { n: insp.length }), [t("f.time"), t("f.station"), t("f.result"), t("f.odometer_km")],
      insp.map((e) => [timeEl(e.time), account(e.actor), t("status." + e.details.result, null, true) || e.details.result, t("unit.km", { n: fmtNumber(e.details.odometer_km) })])),
    table(t("vehicle.odometer", { n: odo.length }), [t("f.time"), t("f.action"), t("f.odometer_km"), t("f.accepted")],
      odo.map((e) => [timeEl(e.time), t("action." + e.action, null, true) || humanise(e.action),
        t("unit.km", { n: fmtNumber(e.details.odometer_km ?? e.details.claimed_km) }),
        e.action === "odometer_rollback" ? t("vehicle.rollback") : (e.details.odometer_accepted === false ? t("no") : t("yes"))])),
  ];
}

function viewVehicle(view, vin) {
  return recordView(view, {
    path: `/vehicle/vehicle/${vin}`, module: "vehicle",
    title: t("vehicle.title", { vin }),
    absent: t("vehicle.absent", { vin }),
    render: async (body, v, history, rep, height) => {
      body.append(h("p", { className: "summary" }, t("vehicle.summary", {
        make: v.make, model: v.model, year: v.year, colour: v.colour, vin: v.vin, plate: v.plate || t("none"),
        km: fmtNumber(v.odometer_km), status: t("status." + v.status, null, true) || v.status,
      })));
      if (v.fraud_flags) body.append(h("p", { className: "warning" }, t("vehicle.fraud", { n: v.fraud_flags })));
      body.append(fields(v, "vehicle", ["vin", "history_count"]));
      section(body, t("vehicle.readings"), ...vehicleReadings(history));
      const tasks = [related(body, t("vehicle.liens", { n: (v.active_liens || []).length }), `/vehicle/vehicle/${vin}/liens`,
        (v.active_liens || []).map((n) => `/vehicle/lien/${n}`), height,
        (l) => [h("strong", {}, t("lien.summary", { id: l.id, amount: fmtMoney(l.amount, l.currency), status: t("status." + l.status, null, true) || l.status })),
          " ", account(l.bank), fields(l, "vehicle", ["id", "vin"])])];
      if (v.open_transfer) {
        tasks.push((async () => {
          const s = section(body, t("vehicle.transfer"));
          const r = await V.fetchVerified(`/vehicle/transfer/${v.open_transfer}`, { height });
          if (r.error) return s.append(h("p", { className: "bad" }, t("verdict.not", { reason: r.error.message })));
          s.append(badge(r.report), fields(values(r.report)[0], "vehicle", ["vin"]));
        })());
      }
      await Promise.all(tasks);
    },
  });
}

async function viewPlate(view, plate) {
  page(view, t("plate.title", { plate }));
  const box = verdict();
  view.append(box);
  const r = await V.fetchVerified(`/vehicle/plate/${plate}`, { height: await readHeight() });
  if (r.error) return box.fail(r.error.message);
  box.show(r.report);
  if (r.report.kind === "absence") return view.append(h("p", { className: "summary" }, t("plate.absent", { plate })));
  const p = values(r.report)[0];
  view.append(h("p", { className: "summary" }, t("plate.carried", { plate }), " ", link("/vehicle/" + encodeURIComponent(p.vin), p.vin)));
}

function viewInvoice(view, issuer, number) {
  return recordView(view, {
    path: `/invoice/invoice/${issuer}/${number}`, module: "invoice",
    title: t("invoice.title", { number }),
    absent: t("invoice.absent", { number, issuer }),
    render: async (body, inv) => {
      body.append(h("p", { className: "summary" }, t("invoice.summary", {
        kind: t("invoice.kind." + inv.kind, null, true) || inv.kind, number: inv.number, gross: fmtMoney(inv.gross_total, inv.currency),
        net: fmtMoney(inv.net_total, inv.currency), tax: fmtMoney(inv.tax_total, inv.currency), status: t("status." + inv.status, null, true) || inv.status,
      })));
      body.append(dl([[t("f.issuer"), account(inv.issuer)], [t("f.buyer"), account(inv.buyer)]]));
      body.append(fields(inv, "invoice", ["number", "issuer", "buyer", "history_count", "kind"]));
      for (const cn of inv.credit_notes || []) body.append(h("p", {}, link(`/invoice/${inv.issuer}/${encodeURIComponent(cn)}`, t("invoice.creditNote", { number: cn }))));
    },
  });
}

function viewDocument(view, sha) {
  return recordView(view, {
    path: `/notary/document/${sha}`, module: "notary",
    title: t("document.title"),
    intro: t("document.hash", { sha }),
    absent: t("document.never"),
    render: async (body, d) => {
      body.append(h("p", { className: "summary" }, t("document.anchored", {
        type: d.doc_type, ref: d.reference || t("none"), time: fmtTime(d.time), height: d.height,
      })));
      body.append(fields(d, "notary", ["document_hash", "history_count"]));
    },
  });
}

// viewRecord shows any registry path's answer, verified, in words.
async function viewRecord(view, path) {
  page(view, t("record.title", { path }));
  const box = verdict();
  view.append(box);
  const height = await readHeight();
  const r = await V.fetchVerified(path, { height });
  if (r.error) return box.fail(r.error.message);
  box.show(r.report);
  if (!r.report.verified) view.append(h("p", { className: "warning" }, t("unverified.shown")));
  if (r.report.kind === "absence") return view.append(h("p", { className: "summary" }, t("record.absent")));
  const module = path.split("/")[1];
  for (const v of values(r.report)) view.append(h("div", { className: "card" }, fields(v, module)));
}

async function viewAccount(view, addr) {
  page(view, t("account.title"), addr);
  const height = await readHeight();
  // Each part: its title, its path, how many entries its anchor counts
  // (for a list; null for a record), and how it renders the record or
  // each entry.
  const parts = [
    [t("account.key"), `/account/${addr}`, null, (v) => fields(v, "core", ["address"])],
    [t("account.identity"), `/identity/account/${addr}`, null, (v) => [h("p", {}, v.owner_kind === "org" ?
      link(`/record/identity/org/${v.owner_id}`, v.owner_id) : link(`/record/identity/person/${v.owner_id}`, v.owner_id)), fields(v, "identity", ["account"])]],
    [t("account.roles"), `/agency/account/${addr}/roles`, null,
      (v) => h("p", {}, joinList((v.roles || []).map((r) => t("role." + r, null, true) || humanise(r))) || t("none"))],
    [t("account.parcels"), `/land/owner/${addr}/parcels`, (v) => v.parcel_count,
      (e) => [link("/parcel/" + encodeURIComponent(e.parcel_id), e.parcel_id), " ", fmtShare(e.shares, e.denominator)]],
    [t("account.vehicles"), `/vehicle/owner/${addr}/vehicles`, (v) => v.vehicle_count,
      (e) => [link("/vehicle/" + encodeURIComponent(e.vin), e.vin), " ", t("since"), " ", timeEl(e.since)]],
    [t("account.invoices"), `/invoice/buyer/${addr}/invoices`, (v) => Math.min(v.document_count, invoicePage),
      (e) => [link(`/invoice/${e.issuer}/${encodeURIComponent(e.number)}`, e.number), " ", account(e.issuer)]],
  ];
  const sections = parts.map(([title]) => section(view, title, h("p", {}, t("verifying"))));
  await Promise.all(parts.map(async ([, path, count, render], i) => {
    const s = sections[i];
    const r = await V.fetchVerified(path, { height });
    s.lastChild.remove();
    if (r.error) return s.append(h("p", { className: "bad" }, t("verdict.not", { reason: r.error.message })));
    const anchor = values(r.report)[0];
    const rep = count && anchor ? bindCount(r.report, count(anchor)) : r.report;
    s.append(badge(rep));
    if (rep.kind === "absence" || !anchor) return s.append(h("p", {}, t("account.nothing")));
    if (!count) return s.append(...[render(anchor)].flat());
    const items = values(rep).slice(1);
    s.append(items.length ? h("ul", {}, items.map((e) => h("li", {}, render(e)))) : h("p", {}, t("none")));
  }));
}

// invoicePage is how many of a buyer's documents one answer lists (the
// invoice registry's page size).
const invoicePage = 100;

// nodeSays labels what the node says without a certificate.
function nodeSays() {
  return h("p", { className: "node-says" }, t("node.says"));
}

async function viewTx(view, hash) {
  page(view, t("tx.title"), hash);
  view.append(nodeSays());
  try {
    const x = await api.tx(hash);
    const msg = (x.tx && x.tx.msg) || {};
    const signer = ((x.events || []).find((e) => e.type === "message") || { attributes: [] }).attributes.find((a) => a.key === "signer");
    view.append(h("p", { className: "summary" }, x.code === 0 ?
      t("tx.ok", { type: t("msg." + msg.type, null, true) || msg.type || "", height: x.height }) :
      t("tx.failed", { type: msg.type || "", height: x.height, code: x.code, log: x.log || "" })));
    view.append(dl([
      [t("f.height"), x.height ? link("/block/" + x.height, String(x.height)) : ""],
      [t("f.code"), `${x.code}${x.codespace ? " (" + x.codespace + ")" : ""}${x.log ? " — " + x.log : ""}`],
      [t("f.type"), msg.type || ""],
      [t("f.signer"), signer ? account(signer.value) : ""],
    ]));
    if (msg.body) section(view, t("tx.body"), fields(msg.body, String(msg.type || "").split("/")[0]));
    section(view, t("events.title"), renderEvents(x));
  } catch (e) {
    view.append(h("p", { className: "bad", role: "alert" }, t("tx.error", { reason: e.message })));
  }
}

async function viewBlock(view, height) {
  page(view, t("block.title", { height }));
  view.append(nodeSays());
  try {
    const b = await api.block(height);
    const hashes = b.txs || [];
    view.append(dl([
      [t("f.height"), String(b.height)],
      [t("f.time"), b.time ? timeEl(b.time) : ""],
      [t("f.proposer"), b.proposer ? [hexEl(b.proposer.address), b.proposer.agency ? ` (${b.proposer.agency.name})` : ""] : ""],
      [t("block.hash"), b.hash ? hexEl(b.hash) : ""],
    ]));
    section(view, t("block.txs", { n: hashes.length }), hashes.length ?
      h("ul", {}, hashes.map((x) => h("li", {}, link("/tx/" + (x.hash || x), hexEl(x.hash || x))))) : h("p", {}, t("none")));
    const n = Number(b.height);
    view.append(h("nav", { className: "pager", "aria-label": t("block.pager") },
      n > 1 ? link("/block/" + (n - 1), t("block.prev")) : null, " ", link("/block/" + (n + 1), t("block.next"))));
  } catch (e) {
    view.append(h("p", { className: "bad", role: "alert" }, t("block.error", { reason: e.message })));
  }
}

// viewLive polls the latest block and lists the recent ones.
async function viewLive(view) {
  page(view, t("live.title"), t("live.intro"));
  view.append(nodeSays());
  const pause = h("button", { type: "button", "aria-pressed": "false" }, t("live.pause"));
  const list = h("ol", { className: "live", "aria-live": "off", "aria-label": t("live.blocks") });
  view.append(pause, list);
  let paused = false;
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.setAttribute("aria-pressed", String(paused));
    pause.textContent = paused ? t("live.resume") : t("live.pause");
  });
  let last = 0;
  const tick = async () => {
    if (!view.isConnected) return;
    if (!paused) {
      try {
        const b = await api.block("latest");
        const n = Number(b.height);
        if (n > last) {
          const from = last ? last + 1 : Math.max(1, n - 9);
          for (let i = from; i <= n; i++) {
            const blk = i === n ? b : await api.block(i);
            const txs = blk.txs || [];
            list.prepend(h("li", {}, link("/block/" + i, t("live.block", { n: i })), " — ", blk.time ? timeEl(blk.time) : "", " — ",
              t("live.txs", { n: txs.length }), txs.length ? h("ul", {}, txs.map((x) => h("li", {}, link("/tx/" + x, hexEl(x))))) : null));
          }
          while (list.children.length > 20) list.lastChild.remove();
          last = n;
        }
      } catch (e) {
        if (!list.children.length) list.append(h("li", { className: "bad" }, t("live.error", { reason: e.message })));
      }
    }
    setTimeout(tick, 2000);
  };
  tick();
}

async function viewAgencies(view) {
  page(view, t("agencies.title"));
  const box = verdict();
  view.append(box);
  const rep = await V.refreshAgencies(await readHeight());
  if (!rep) return box.fail(t("trust.none"));
  box.show(rep);
  const list = h("ul", { className: "cards" });
  for (const a of values(rep).slice(1)) {
    list.append(h("li", {}, h("h2", {}, a.name), dl([
      [t("f.id"), a.id],
      [t("agencies.validator"), a.validator && a.validator.power ? t("agencies.power", { n: a.validator.power }) : t("agencies.noValidator")],
      [t("agencies.admins"), h("ul", {}, (a.admins || []).map((x) => h("li", {}, account(x))))],
    ])));
  }
  view.append(list);
}

async function viewValidators(view) {
  page(view, t("validators.title"));
  const tr = V.state.trust;
  section(view, t("validators.trusted"), tr ? h("table", {},
    h("caption", {}, t("validators.trustedCaption", { chain: tr.chain_id })),
    h("thead", {}, h("tr", {}, [t("f.address"), t("f.power"), t("f.agency")].map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, tr.validators.map((v) => {
      const a = V.state.agencies.find((x) => x.pub_key === v.pub_key);
      return h("tr", {}, h("td", {}, hexEl(v.address)), h("td", {}, fmtNumber(v.power)), h("td", {}, a ? a.name : t("none")));
    }))) : h("p", {}, t("trust.none")));
  const s = section(view, t("validators.node"), nodeSays());
  try {
    const vs = await api.validators();
    const list = vs.validators || [];
    const trusted = new Set(tr ? tr.validators.map((v) => v.address.toUpperCase()) : []);
    s.append(h("table", {},
      h("caption", {}, t("validators.nodeCaption")),
      h("thead", {}, h("tr", {}, [t("f.address"), t("f.power"), t("f.agency"), t("validators.inTrust")].map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, (Array.isArray(list) ? list : []).map((v) => {
        const addr = String(v.address || "").toUpperCase();
        return h("tr", {}, h("td", {}, hexEl(addr)), h("td", {}, fmtNumber(v.power)),
          h("td", {}, v.agency ? v.agency.name : t("none")), h("td", {}, trusted.has(addr) ? t("yes") : t("no")));
      }))));
  } catch (e) {
    s.append(h("p", { className: "bad" }, t("validators.error", { reason: e.message })));
  }
}

async function viewGov(view) {
  page(view, t("gov.title"), t("gov.intro"));
  const box = verdict();
  view.append(box);
  const height = await readHeight();
  const r = await V.fetchVerified("/gov/proposals", { height });
  if (r.error) return box.fail(r.error.message);
  box.show(r.report);
  if (r.report.kind === "absence") return view.append(h("p", {}, t("gov.none")));
  const index = values(r.report)[0];
  const lastID = Number(index.last_id || 0);
  if (lastID === 0) return view.append(h("p", { className: "summary" }, t("gov.none")));
  const ids = [];
  for (let i = lastID; i >= 1 && ids.length < 20; i--) ids.push(i);
  const list = h("ul", { className: "cards" });
  view.append(h("h2", {}, t("gov.list", { n: lastID })), list);
  const reps = await Promise.all(ids.map((id) => V.fetchVerified(`/gov/proposal/${id}`, { height })));
  reps.forEach((x, i) => {
    if (x.error) return list.append(h("li", { className: "bad" }, t("verdict.not", { reason: x.error.message })));
    const p = values(x.report)[0];
    list.append(h("li", {}, h("h3", {}, link("/proposal/" + ids[i], t("gov.proposal", { id: ids[i] }))), " ", badge(x.report),
      h("p", {}, p.summary), dl([[t("f.status"), value("status", p.status)], [t("f.kind"), humanise(p.kind)],
        [t("gov.tally"), t("gov.tallyOf", { yes: p.yes_weight, no: p.no_weight, total: p.total_weight })],
        [t("f.voting_ends_at"), timeEl(p.voting_ends_at)]])));
  });
}

function viewProposal(view, id) {
  return recordView(view, {
    path: `/gov/proposal/${id}`, module: "gov",
    title: t("gov.proposal", { id }),
    render: async (body, p, history, rep, height) => {
      body.append(h("p", { className: "summary" }, p.summary));
      body.append(fields(p, "gov", ["id", "summary", "history_count"]));
      const s = section(body, t("gov.votes", { n: p.vote_count || 0 }));
      const r = await V.fetchVerified(`/gov/proposal/${id}/votes`, { height });
      if (r.error) return s.append(h("p", { className: "bad" }, t("verdict.not", { reason: r.error.message })));
      const rep2 = bindCount(r.report, p.vote_count || 0);
      s.append(badge(rep2), h("ul", {}, values(rep2).slice(1).map((v) => h("li", {},
        t("gov.vote", { agency: agencyName(v.agency_id), option: t("status." + v.option, null, true) || v.option, weight: v.weight }), " — ", timeEl(v.time)))));
    },
  });
}

function viewLogForm(view) {
  page(view, t("log.title"), t("log.intro"));
  const input = h("input", { id: "log-subject", name: "subject", required: true, autocomplete: "off" });
  view.append(h("form", { className: "search", onsubmit: (ev) => {
    ev.preventDefault();
    location.hash = "#/log/" + encodeURIComponent(input.value.trim());
  } }, h("label", { htmlFor: "log-subject" }, t("log.subject")), input, h("button", { type: "submit" }, t("log.show"))));
}

async function viewLog(view, subject) {
  page(view, t("log.titleOf", { subject }), t("log.intro"));
  const box = verdict(t("log.verification"));
  view.append(box);
  const height = await readHeight();
  let r = await V.fetchVerified(`/sharing/log/${subject}`, { complete: true, height });
  if (r.error) r = await V.fetchVerified(`/sharing/log/${subject}`, { height });
  if (r.error) return box.fail(r.error.message);
  const rep = r.report;
  box.show(rep);
  if (rep.kind === "absence" || !(rep.entries || []).length) return view.append(h("p", { className: "summary" }, t("log.empty", { subject })));
  const entries = values(rep).slice(1);
  if (!(rep.verified && rep.complete)) view.append(h("p", { className: "summary warning" }, t("log.incomplete")));
  const roles = roleFinder(height);
  view.append(h("ol", { className: "timeline", "aria-label": t("log.entries") }, entries.map((e) => {
    const who = e.actor ? h("span", {}, t("loading")) : null;
    if (who) whoText(e.actor, e.height, roles).then((s) => replace(who, s), () => replace(who, t("role.unknown")));
    return h("li", {},
      h("p", { className: "what" }, h("strong", {}, t("log.kind." + e.kind, null, true) || humanise(e.kind)),
        e.outcome ? ` (${t("status." + e.outcome, null, true) || e.outcome})` : "", " — ", timeEl(e.time)),
      h("p", {}, t(e.owner ? "log.line" : "log.lineNoOwner", { requester: e.requester ? agencyName(e.requester) : t("none"), owner: agencyName(e.owner),
        class: e.class, purpose: e.purpose ? (t("purpose." + e.purpose, null, true) || humanise(e.purpose)) : t("none") })),
      e.fields ? h("p", {}, t("log.fields", { fields: joinList(e.fields) })) : null,
      e.actor ? h("p", {}, t("history.by"), " ", account(e.actor), " (", who, ")") : null,
      e.covert ? h("p", {}, t("log.covert", { time: e.disclose_at ? fmtTime(e.disclose_at) : t("none") })) : null,
      e.refusal ? h("p", {}, t("log.refused", { code: e.refusal.code, reason: e.refusal.reason })) : null,
      h("p", { className: "tx" }, t("history.tx"), " ", link("/tx/" + e.tx_hash, shortHex(e.tx_hash)), ", ", t("history.block"), " ", link("/block/" + e.height, String(e.height))));
  })));
}

// ---- Files: certificates verified offline, documents looked up ---------

// dropZone is a labelled file input that also takes files dropped on it.
function dropZone(id, text, hint, onFile) {
  const input = h("input", { type: "file", id, className: "file" });
  const zone = h("div", { className: "drop" }, h("label", { htmlFor: id }, h("strong", {}, text), h("span", {}, hint)), input);
  input.addEventListener("change", () => input.files[0] && onFile(input.files[0]));
  zone.addEventListener("dragover", (ev) => {
    ev.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (ev) => {
    ev.preventDefault();
    zone.classList.remove("over");
    const f = ev.dataTransfer.files[0];
    if (f) onFile(f);
  });
  return zone;
}

// certificateZone verifies a dropped certificate file, offline: nothing
// leaves the browser.
function certificateZone() {
  const box = verdict(t("cert.verification"), true);
  const out = h("div", { className: "record" });
  const zone = dropZone("cert-file", t("cert.drop"), t("cert.hint"), async (file) => {
    replace(out);
    box.className = "verdict pending";
    replace(box.firstChild, t("verifying"));
    const rep = await V.verify(new Uint8Array(await file.arrayBuffer()));
    box.show(rep);
    if (rep.kind === "absence" && rep.verified) return out.append(h("p", { className: "summary" }, t("record.absent")));
    if (!rep.verified) out.append(h("p", { className: "warning" }, t("unverified.shown")));
    const module = String(rep.path || "").split("/")[1];
    for (const v of values(rep)) out.append(h("div", { className: "card" }, fields(v, module)));
  });
  return h("section", { "aria-labelledby": "cert-h" }, h("h2", { id: "cert-h" }, t("cert.title")), h("p", {}, t("cert.intro")), zone, box, out);
}

// documentZone hashes a dropped file in the browser and looks the hash up.
function documentZone() {
  const out = h("p", { role: "status", "aria-live": "polite" });
  const zone = dropZone("doc-file", t("doc.drop"), t("doc.hint"), async (file) => {
    replace(out, t("doc.hashing"));
    const sha = await V.sha256(await file.arrayBuffer());
    location.hash = "#/document/" + sha;
  });
  return h("section", { "aria-labelledby": "doc-h" }, h("h2", { id: "doc-h" }, t("doc.title")), h("p", {}, t("doc.intro")), zone, out);
}

async function viewVerifyFile(view) {
  page(view, t("cert.pageTitle"), t("cert.pageIntro"));
  view.append(certificateZone());
}

function viewTrust(view) {
  page(view, t("trust.title"), t("trust.intro"));
  const out = h("div", { role: "status", "aria-live": "polite" });
  const render = () => {
    const tr = V.state.trust;
    replace(out, tr ? [
      h("p", {}, V.state.trustSource === "file" ? t("trust.fromFile", { name: V.state.trustName, time: fmtTime(V.state.trustPinnedAt) }) :
        t("trust.fromNode", { time: fmtTime(V.state.trustPinnedAt) })),
      dl([[t("details.chain"), tr.chain_id], [t("trust.validators"), h("ul", {}, tr.validators.map((v) => h("li", {}, hexEl(v.address), " ", t("agencies.power", { n: v.power }))))]]),
    ] : h("p", {}, t("trust.none")));
  };
  render();
  const msg = h("p", { role: "alert" });
  const zone = dropZone("trust-file", t("trust.load"), t("trust.loadHint"), async (file) => {
    const err = await V.loadTrustFile(file);
    replace(msg, err ? t("trust.refused", { reason: err }) : t("trust.loaded", { name: file.name }));
    render();
  });
  const forget = h("button", { type: "button" }, t("trust.forget"));
  forget.addEventListener("click", async () => {
    await V.forgetTrust();
    replace(msg, V.state.trust ? t("trust.repinned") : t("trust.none"));
    render();
  });
  view.append(out, zone, msg, forget);
}

// ---- Search --------------------------------------------------------------

// route of a search: kind "auto" guesses from the text's shape.
function searchRoute(kind, text, number) {
  text = text.trim();
  const enc = encodeURIComponent;
  switch (kind) {
    case "parcel": return "/parcel/" + enc(text);
    case "vehicle": return /^[A-HJ-NPR-Z0-9]{17}$/i.test(text) ? "/vehicle/" + enc(text.toUpperCase()) : "/plate/" + enc(text);
    case "invoice": return `/invoice/${text.toLowerCase()}/${enc(number.trim())}`;
    case "document": return "/document/" + text.toLowerCase();
    case "account": return "/account/" + text.toLowerCase();
    case "tx": return "/tx/" + text.toUpperCase();
    case "block": return "/block/" + text;
  }
  if (/^\d+$/.test(text)) return "/block/" + text;
  if (/^[0-9a-f]{40}$/i.test(text)) return "/account/" + text.toLowerCase();
  if (/^[0-9a-f]{64}$/i.test(text)) return "/find/" + text.toLowerCase();
  if (/^[A-HJ-NPR-Z0-9]{17}$/i.test(text)) return "/vehicle/" + enc(text.toUpperCase());
  return "/find/" + enc(text);
}

// viewFind resolves a text whose kind the search did not say: a 64-digit
// hash is a transaction or a document, other text a parcel id or a plate.
async function viewFind(view, text) {
  page(view, t("find.title", { text }));
  const out = h("p", { role: "status", "aria-live": "polite" }, t("find.looking"));
  view.append(out);
  const height = await readHeight();
  if (/^[0-9a-f]{64}$/.test(text)) {
    try {
      await api.tx(text.toUpperCase());
      location.replace("#/tx/" + text.toUpperCase());
    } catch {
      location.replace("#/document/" + text);
    }
    return;
  }
  for (const [path, route] of [[`/land/parcel/${text}`, "/parcel/"], [`/vehicle/plate/${text}`, "/plate/"]]) {
    const r = await V.fetchVerified(path, { height });
    if (r.report && r.report.kind !== "absence") {
      location.replace("#" + route + encodeURIComponent(text));
      return;
    }
  }
  replace(out, t("find.none", { text }));
}

function searchForm() {
  const kinds = ["auto", "parcel", "vehicle", "invoice", "document", "account", "tx", "block"];
  const kind = h("select", { id: "search-kind", name: "kind" }, kinds.map((k) => h("option", { value: k }, t("search.kind." + k))));
  const text = h("input", { id: "search-text", name: "q", type: "search", required: true, autocomplete: "off", "aria-describedby": "search-hint" });
  const number = h("input", { id: "search-number", name: "number", autocomplete: "off" });
  const numberRow = h("div", { className: "row", hidden: true }, h("label", { htmlFor: "search-number" }, t("search.number")), number);
  const hint = h("p", { id: "search-hint", className: "hint" }, t("search.hint.auto"));
  const textLabel = h("label", { htmlFor: "search-text" }, t("search.text.auto"));
  kind.addEventListener("change", () => {
    numberRow.hidden = kind.value !== "invoice";
    number.required = kind.value === "invoice";
    replace(textLabel, t("search.text." + kind.value));
    replace(hint, t("search.hint." + kind.value));
  });
  return h("form", { className: "search", role: "search", "aria-label": t("search.title"), onsubmit: (ev) => {
    ev.preventDefault();
    location.hash = "#" + searchRoute(kind.value, text.value, number.value);
  } },
  h("div", { className: "row" }, h("label", { htmlFor: "search-kind" }, t("search.kind")), kind),
  h("div", { className: "row" }, textLabel, text), hint, numberRow,
  h("button", { type: "submit" }, t("search.go")));
}

function viewHome(view) {
  page(view, t("home.title"), t("home.intro"));
  view.append(searchForm(), documentZone(), certificateZone());
}

// ---- Router and chrome ---------------------------------------------------

const routes = [
  [/^\/?$/, viewHome],
  [/^\/parcel\/(.+)$/, viewParcel],
  [/^\/vehicle\/(.+)$/, viewVehicle],
  [/^\/plate\/(.+)$/, viewPlate],
  [/^\/invoice\/([0-9a-f]{40})\/(.+)$/, viewInvoice],
  [/^\/document\/([0-9a-f]{64})$/, viewDocument],
  [/^\/account\/([0-9a-f]{40})$/, viewAccount],
  [/^\/tx\/([0-9A-Fa-f]{64})$/, viewTx],
  [/^\/block\/(\d+|latest)$/, viewBlock],
  [/^\/find\/(.+)$/, viewFind],
  [/^\/live$/, viewLive],
  [/^\/agencies$/, viewAgencies],
  [/^\/validators$/, viewValidators],
  [/^\/gov$/, viewGov],
  [/^\/proposal\/(\d+)$/, viewProposal],
  [/^\/log$/, viewLogForm],
  [/^\/log\/(.+)$/, viewLog],
  [/^\/verify$/, viewVerifyFile],
  [/^\/trust$/, viewTrust],
  [/^\/record(\/.+)$/, (view, path) => viewRecord(view, path)],
];

let firstRoute = true;

async function route() {
  // Only "#/..." is a route: an in-page anchor keeps the view.
  if (location.hash && !location.hash.startsWith("#/") && !firstRoute) return;
  const path = location.hash.startsWith("#/") ? location.hash.slice(1) : "/";
  const view = h("div", { className: "view" });
  replace(main, view);
  let found = false;
  for (const [re, fn] of routes) {
    const m = path.match(re);
    if (!m) continue;
    found = true;
    const args = m.slice(1).map((x) => {
      try {
        return decodeURIComponent(x);
      } catch {
        return x;
      }
    });
    const done = fn(view, ...args);
    if (!firstRoute) view.querySelector("h1").focus();
    try {
      await done;
    } catch (e) {
      view.append(h("p", { className: "bad", role: "alert" }, t("error", { reason: e.message })));
    }
    break;
  }
  if (!found) {
    page(view, t("notfound.title"));
    view.append(h("p", {}, t("notfound.text")), link("/", t("nav.home")));
    if (!firstRoute) view.querySelector("h1").focus();
  }
  firstRoute = false;
  document.body.dataset.ready = "true";
  performance.mark("govchain-view-done");
}

// chrome renders the header's navigation and the verifier's status in
// the page's language.
function chrome() {
  document.documentElement.lang = lang();
  const nav = document.getElementById("nav");
  const items = [["/", "nav.home"], ["/live", "nav.live"], ["/agencies", "nav.agencies"], ["/validators", "nav.validators"],
    ["/gov", "nav.gov"], ["/log", "nav.log"], ["/verify", "nav.verify"], ["/trust", "nav.trust"]];
  replace(nav, h("ul", {}, items.map(([r, k]) => h("li", {}, link(r, t(k))))));
  document.getElementById("skip").textContent = t("skip");
  document.getElementById("brand").textContent = t("app.name");
  document.getElementById("lang-label").textContent = t("lang.label");
  const sel = document.getElementById("lang");
  replace(sel, languages.map(([code, name]) => h("option", { value: code, selected: code === lang() }, name)));
  document.getElementById("footer").textContent = t("footer");
  showStatus();
}

// showStatus says whether the verifier is ready and which trust root is
// pinned.
function showStatus() {
  const el = document.getElementById("verifier-status");
  const s = V.state;
  const parts = [];
  if (s.verifier === "loading") parts.push(h("span", {}, t("verifier.loading")));
  if (s.verifier === "ready") parts.push(h("span", {}, t("verifier.ready")));
  if (s.verifier === "not-built") parts.push(h("strong", { className: "bad" }, t("verifier.notBuilt")));
  if (s.verifier === "failed") parts.push(h("strong", { className: "bad" }, t("verifier.failed", { reason: s.error })));
  if (s.verifier === "ready") {
    parts.push(" ", s.trust ? link("/trust", t("trust.pinned", { chain: s.trust.chain_id, n: s.trust.validators.length })) : link("/trust", t("trust.none")));
  }
  if (s.nodeTrust) {
    const use = h("button", { type: "button" }, t("trust.useNode"));
    use.addEventListener("click", () => V.useNodeTrust());
    parts.push(" ", h("strong", { className: "bad" }, t("trust.differs")), " ", use);
  }
  replace(el, ...parts);
}

async function start() {
  // The skip link moves the focus to the content without changing the
  // route.
  document.getElementById("skip").addEventListener("click", (ev) => {
    ev.preventDefault();
    main.focus();
  });
  const sel = document.getElementById("lang");
  sel.addEventListener("change", () => {
    setLang(sel.value);
    chrome();
    route();
  });
  V.events.addEventListener("change", showStatus);
  chrome();
  window.addEventListener("hashchange", route);
  // The verifier, the trust root and the agencies load while the first
  // view renders; whatever it verifies waits for them.
  V.start(readHeight);
  await route();
  performance.mark("govchain-page-ready");
}

start();
