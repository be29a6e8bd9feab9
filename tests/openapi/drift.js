#!/usr/bin/env node
// tests/openapi/drift.js DOC: the behavioural half of the drift checks: the
// running server must do what the document DOC says about roles and bounds.
//
// (a) roles: every operation answers 401 without credentials if and only if
//     its security requires credentials (no {} alternative); with a
//     readonly or a developer key, every operation whose x-stratus-role is
//     above the key's role answers 403 (and a GET at or below it does not).
// (b) bounds: for every body field with minLength, maxLength, minimum,
//     maximum or maxItems (top level, nested objects and list items), the
//     value AT the bound gets no details.errors entry naming the field and
//     the value one past gets one. A field whose schema has x-stratus-check
//     (a rule of its own after the bounds: the password policy, a name that
//     must exist) is checked one past only.
//
// No side effects: path parameters are ids that do not exist, bodies sent
// without credentials are {} , and every bounds request also carries a
// second, deliberately bad field (an unknown field where the body is
// strict, else another field of the wrong type) so that it is answered
// 400 before any handler runs; a body with no such second field is named.
//
// Environment: BASE_URL, STRATUS_KEY_ADMIN, STRATUS_KEY_READONLY,
// STRATUS_KEY_PROFILE (a throw-away user for /users/profile).
'use strict';

const { Doc, Tap, request } = require('./lib');
const gen = require('./gen');

const docFile = process.argv[2];
const BASE = process.env.BASE_URL;
if (!docFile || !BASE) {
	console.error('usage: BASE_URL=... drift.js DOC');
	process.exit(2);
}
const doc = new Doc(docFile);
const tap = new Tap();
const RANK = { public: 0, readonly: 1, developer: 2, admin: 3 };

function absentPath(o) {
	return o.path.replace(/\{([^}]+)\}/g, (_, name) => {
		const p = o.params.find((x) => x.in === 'path' && x.name === name);
		const sc = doc.schema((p && p.schema) || {});
		if (gen.typeOf(sc) === 'integer') return '2147483000';
		if (sc.format === 'uuid' || /uuid|request_id/.test(name)) return '00000000-0000-4000-8000-00000000dead';
		return 'nosuch' + name.replace(/[^a-z]/g, '');
	});
}

function bodyOf(o) {
	if (!o.op.requestBody) return [];
	const [rb] = doc.deref(o.op.requestBody);
	const mt = rb && rb.content && rb.content['application/json'];
	if (!mt || !mt.schema) return [];
	const sc = doc.schema(mt.schema);
	let ex;
	if (mt.example !== undefined) ex = mt.example;
	else if (mt.examples && Object.keys(mt.examples).length) ex = doc.deref(Object.values(mt.examples)[0])[0].value;
	if (ex === undefined || ex === null || typeof ex !== 'object') ex = gen.valid(sc);
	return [sc, JSON.parse(JSON.stringify(ex))];
}

const key = (o, role) => {
	if (role === 'readonly') return process.env.STRATUS_KEY_READONLY;
	return o.path.startsWith('/users/profile') ? process.env.STRATUS_KEY_PROFILE : process.env.STRATUS_KEY_ADMIN;
};

// send(OP, HEADERS, BODY): the answer to OP at its absent-id path.
function send(o, headers, body) {
	const h = { ...headers };
	let b = null;
	if (body !== undefined) {
		h['Content-Type'] = 'application/json';
		b = JSON.stringify(body);
	}
	return request(BASE, o.method, absentPath(o), { headers: h, body: b });
}

// ------------------------------------------------------------------ roles

async function roles() {
	const fails = [];
	const forb = [];
	let n401 = 0;
	let n403 = 0;
	for (const o of doc.ops) {
		const [sc] = bodyOf(o);
		const body = sc ? {} : undefined;
		const needs = doc.needsCredentials(o);
		const r = await send(o, {}, body);
		n401++;
		if (needs !== (r.status === 401)) fails.push(`${o.key}: without credentials answered ${r.status}; the document says credentials are ${needs ? 'required' : 'optional'}`);
		const role = doc.role(o);
		// Each key below admin: refused (403) by every operation above its role,
		// let through (no 401/403) by every GET at or below it.
		for (const [kr, kv] of [['readonly', process.env.STRATUS_KEY_READONLY], ['developer', process.env.STRATUS_KEY_DEVELOPER]]) {
			if (!kv) continue;
			if (RANK[role] > RANK[kr]) {
				const r2 = await send(o, { 'X-API-Key': kv }, body);
				n403++;
				if (r2.status !== 403) forb.push(`${o.key} (${role}): a ${kr} key got ${r2.status}, expected 403`);
			} else if (RANK[role] >= RANK.readonly && (o.method === 'GET' || o.method === 'HEAD') && !o.op['x-stratus-project']) {
				const r2 = await send(o, { 'X-API-Key': kv }, body);
				n403++;
				if (r2.status === 401 || (r2.status === 403 && !/project/i.test(r2.body.toString()))) forb.push(`${o.key} (${role}): a ${kr} key got ${r2.status}`);
			}
		}
	}
	tap.ok(!fails.length, `every operation answers 401 without credentials iff its security requires them (${n401} operations)`, fails);
	tap.ok(n403 > 0 && !forb.length, `a readonly or developer key gets 403 from every operation above its role and none from a GET at or below it (${n403} requests)`, forb);
}

// ----------------------------------------------------------------- bounds

// boundFields(SCHEMA): [path, schema, kind, at, past] of every bound.
function bounds(sc, prefix = [], depth = 0) {
	const out = [];
	for (const [k, s0] of Object.entries(sc.properties || {})) {
		const s = doc.schema(s0);
		const p = [...prefix, k];
		const t = gen.typeOf(s);
		if (t === 'string') {
			if (s.minLength > 0) out.push([p, s, 'minLength', s.minLength, s.minLength - 1]);
			if (s.maxLength !== undefined) out.push([p, s, 'maxLength', s.maxLength, s.maxLength + 1]);
		} else if (t === 'integer' || t === 'number') {
			if (s.minimum !== undefined) out.push([p, s, 'minimum', s.minimum, s.minimum - 1]);
			if (s.maximum !== undefined) out.push([p, s, 'maximum', s.maximum, s.maximum + 1]);
		} else if (t === 'array') {
			if (s.maxItems !== undefined) out.push([p, s, 'maxItems', s.maxItems, s.maxItems + 1]);
			const it = doc.schema(s.items || {});
			if (gen.typeOf(it) === 'string') {
				if (it.minLength > 0) out.push([p, it, 'items.minLength', it.minLength, it.minLength - 1]);
				if (it.maxLength !== undefined) out.push([p, it, 'items.maxLength', it.maxLength, it.maxLength + 1]);
			}
		} else if (t === 'object' && depth < 1 && s.properties) {
			out.push(...bounds(s, p, depth + 1));
		}
	}
	return out;
}

// value(SCHEMA, KIND, N, SEED): the value of size/magnitude N for that bound.
function value(s, kind, n, seed) {
	if (kind === 'minimum' || kind === 'maximum') return n;
	if (kind === 'maxItems') {
		const it = doc.schema(s.items || {});
		return Array.from({ length: n }, (_, i) => {
			const v = gen.valid(it, 'item');
			return typeof v === 'string' ? gen.stringOf(it, Math.max(it.minLength || 1, Math.min(it.maxLength || 8, 8)), 'item' + i) || v : v;
		});
	}
	const str = gen.stringOf(s, n, typeof seed === 'string' ? seed : '');
	if (str === null) return undefined;
	return kind.startsWith('items.') ? [str] : str;
}

function set(body, path, v) {
	const b = JSON.parse(JSON.stringify(body));
	let o = b;
	for (const k of path.slice(0, -1)) {
		if (o[k] === null || typeof o[k] !== 'object') o[k] = {};
		o = o[k];
	}
	o[path[path.length - 1]] = v;
	return b;
}

const get = (body, path) => path.reduce((o, k) => (o == null ? undefined : o[k]), body);

// poison(SCHEMA, BODY, PATH): BODY with a second bad field (not PATH), and its name; or [BODY, null].
function poison(sc, body, path) {
	if (sc.additionalProperties === false) return [{ ...body, zz_drift_poison: 1 }, 'zz_drift_poison'];
	for (const [k, s0] of Object.entries(sc.properties || {})) {
		if (k === path[0]) continue;
		const w = gen.wrongTypes(doc.schema(s0));
		if (w.length) return [{ ...body, [k]: w[0][1] }, k];
	}
	return [body, null];
}

const names = (r, field) =>
	r.json && r.json.details && Array.isArray(r.json.details.errors) &&
	r.json.details.errors.some((e) => e.field === field || String(e.field).startsWith(field + '.') || String(e.field).startsWith(field + '['));

async function boundsCheck() {
	let checked = 0;
	const unsafe = [];
	for (const o of doc.ops) {
		const [sc, good] = bodyOf(o);
		if (!sc) continue;
		const list = bounds(sc);
		if (!list.length) continue;
		const fails = [];
		const skipped = [];
		const creds = doc.needsCredentials(o) ? { 'X-API-Key': key(o, doc.role(o)) } : {};
		for (const [path, s, kind, at, past] of list) {
			const field = path.join('.');
			let seed = get(good, path);
			// A new password must also pass the policy (upper, digit, symbol).
			if (/password/i.test(field)) seed = 'Aa1!Aa1!Aa1!';
			if ((kind === 'minimum' || kind === 'maximum') && !Number.isSafeInteger(past)) {
				skipped.push(`${field} ${kind}: ${at} is beyond what a JSON number carries exactly (2^53)`);
				continue;
			}
			// The value at the bound keeps the pattern; one past may break it
			// as well (it must be refused either way).
			const vAt = value(s, kind, at, seed);
			let vPast = value(s, kind, past, seed);
			if (vPast === undefined) vPast = kind.startsWith('items.') ? ['a'.repeat(past)] : 'a'.repeat(past);
			// The required fields and the one under test: an optional sibling
			// could be an alternative that keeps it from being read ("email"
			// unless "identifier").
			const base = {};
			for (const k of [...(sc.required || []), path[0]]) if (good[k] !== undefined) base[k] = good[k];
			const [bPast, pname] = poison(sc, set(base, path, vPast), path);
			if (!pname && !unsafe.includes(o.key)) unsafe.push(o.key);
			const rPast = await send(o, creds, bPast);
			checked++;
			if (!names(rPast, field))
				fails.push(`${field} one past its ${kind} (${past}) was not refused by name: ${rPast.status} ${JSON.stringify(rPast.json && rPast.json.details ? rPast.json.details.errors : rPast.body.toString().slice(0, 200))}`);
			// A rule of the field's own that runs after the bounds (the
			// password policy, a name that must exist) may refuse a value
			// the bounds allow: the document says so with x-stratus-check,
			// and the value at the bound is then not sent.
			if (s['x-stratus-check']) {
				skipped.push(`${field} at its ${kind}: ${s['x-stratus-check']}`);
				continue;
			}
			if (vAt === undefined) {
				skipped.push(`${field} at its ${kind}: no string of ${at} characters keeps ${s.format ? 'the format ' + s.format : 'the pattern ' + s.pattern}`);
				continue;
			}
			const [bAt] = poison(sc, set(base, path, vAt), path);
			const rAt = await send(o, creds, bAt);
			checked++;
			if (rAt.status >= 500 || names(rAt, field))
				fails.push(`${field} at its ${kind} (${at}) was refused: ${rAt.status} ${JSON.stringify(rAt.json && rAt.json.details ? rAt.json.details.errors : rAt.body.toString().slice(0, 200))}`);
		}
		tap.ok(!fails.length, `${o.key}: every body bound holds at the bound and fails one past (${list.length - skipped.length} bounds${skipped.length ? ', ' + skipped.length + ' skipped' : ''})`, [...fails, ...skipped.map((s) => 'skipped: ' + s)]);
	}
	if (unsafe.length) tap.note(`no second bad field to keep these from their handler (a value at the bound may have been acted on): ${unsafe.join(', ')}`);
	return checked;
}

async function main() {
	await roles();
	const n = await boundsCheck();
	tap.done(`${doc.ops.length} operations checked for roles, ${n} requests at or one past a body bound`);
}

main().catch((e) => {
	console.log(`not ok - drift.js: ${e.stack}`);
	process.exitCode = 1;
});
