// tests/openapi/gen.js: values generated from JSON Schemas of the document:
// a valid value (the operation's example, else synthesised), strings that
// fit a length and a pattern, and the bad inputs of the negative suite.
'use strict';

// re(PATTERN): the pattern as a JavaScript regular expression (the
// document's patterns are ECMA-262, as JSON Schema says), or null.
function re(pattern) {
	if (!pattern) return null;
	try {
		return new RegExp(pattern, 'u');
	} catch (e) {
		return null;
	}
}

const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

// fits(S, SCHEMA): S satisfies the string rules of SCHEMA (length in
// characters, pattern, email format, enum).
function fits(s, sc) {
	const n = [...s].length;
	if (sc.minLength !== undefined && n < sc.minLength) return false;
	if (sc.maxLength !== undefined && n > sc.maxLength) return false;
	const r = re(sc.pattern);
	if (r && !r.test(s)) return false;
	if (sc.format === 'email' && !EMAIL_RE.test(s)) return false;
	if (sc.enum && !sc.enum.includes(s)) return false;
	return true;
}

// stringOf(SCHEMA, LEN, SEED): a string of LEN characters that keeps the
// pattern and format of SCHEMA (lengths aside), grown from SEED; null when
// none of the fillers tried keeps them.
function stringOf(sc, len, seed) {
	const r = re(sc.pattern);
	const ok = (s) => (!r || r.test(s)) && (sc.format !== 'email' || EMAIL_RE.test(s));
	const seeds = [];
	if (typeof seed === 'string') seeds.push(seed);
	if (sc.format === 'email') seeds.push('a@example.com', 'a@b.io');
	if (sc.format === 'uri' || /https?/.test(sc.pattern || '')) seeds.push('https://example.com/', 'http://a.io/');
	if (sc.pattern) {
		// A literal prefix ("^ami-") is most of what our patterns say.
		const m = /^\^([A-Za-z0-9_-]+)/.exec(sc.pattern);
		if (m) seeds.push(m[1] + 'a', m[1] + '0');
	}
	seeds.push('a', '0', 'a0', '');
	for (const s0 of seeds) {
		for (const c of ['a', '0', 'x', '_', '-', '.']) {
			for (const where of ['end', 'start']) {
				let s = s0;
				const n = [...s].length;
				if (n > len) {
					s = where === 'end' ? [...s].slice(0, len).join('') : [...s].slice(n - len).join('');
				} else {
					s = where === 'end' ? s + c.repeat(len - n) : c.repeat(len - n) + s;
				}
				if ([...s].length === len && ok(s)) return s;
			}
		}
	}
	return null;
}

// valid(SCHEMA): a value of SCHEMA ($refs already resolved).
function valid(sc, name = '') {
	if (!sc || typeof sc !== 'object') return 'x';
	if (sc.example !== undefined) return sc.example;
	if (Array.isArray(sc.examples) && sc.examples.length) return sc.examples[0];
	if (sc.default !== undefined) return sc.default;
	if (sc.const !== undefined) return sc.const;
	if (sc.enum) return sc.enum[0];
	if (sc.oneOf || sc.anyOf) return valid((sc.oneOf || sc.anyOf)[0], name);
	if (sc.allOf) return valid(Object.assign({}, ...sc.allOf), name);
	const t = Array.isArray(sc.type) ? sc.type.find((x) => x !== 'null') : sc.type;
	switch (t) {
	case 'string': {
		const len = Math.max(sc.minLength || 0, Math.min(sc.maxLength === undefined ? 8 : sc.maxLength, 8));
		return stringOf(sc, len, name.replace(/[^A-Za-z0-9]/g, '') || 'a') || 'a'.repeat(len);
	}
	case 'integer':
	case 'number': {
		let v = sc.minimum !== undefined ? sc.minimum : 1;
		if (sc.maximum !== undefined && v > sc.maximum) v = sc.maximum;
		return v;
	}
	case 'boolean':
		return true;
	case 'array':
		return sc.items && (sc.minItems || 0) > 0 ? Array.from({ length: sc.minItems }, () => valid(sc.items, name)) : [];
	case 'object': {
		const o = {};
		for (const k of sc.required || []) o[k] = valid((sc.properties || {})[k], k);
		return o;
	}
	default:
		return 'x';
	}
}

// typeOf(SCHEMA): the (non-null) JSON type SCHEMA declares, or undefined.
function typeOf(sc) {
	if (!sc) return undefined;
	if (sc.enum && !sc.type) return 'string';
	return Array.isArray(sc.type) ? sc.type.find((x) => x !== 'null') : sc.type;
}

// wrongTypes(SCHEMA): JSON values of other types than SCHEMA's.
function wrongTypes(sc) {
	const t = typeOf(sc);
	const all = { string: 12345, integer: 'not-a-number', number: 'not-a-number', boolean: 'yes', array: 'not-a-list', object: 'not-an-object' };
	if (!t || !(t in all)) return [];
	const out = [[`a ${typeof all[t] === 'number' ? 'number' : 'string'}`, all[t]]];
	if (t === 'integer') out.push(['a fraction', 1.5]);
	if (t === 'string') out.push(['an object', { a: 1 }]);
	if (t === 'object' || t === 'array' || t === 'boolean') out.push(['a number', 7]);
	return out;
}

// patternBreakers(SCHEMA): strings within SCHEMA's lengths that its pattern (or email format) refuses.
function patternBreakers(sc) {
	const r = re(sc.pattern);
	if (!r && sc.format !== 'email') return [];
	const min = sc.minLength || 1;
	const max = sc.maxLength === undefined ? 64 : sc.maxLength;
	const out = [];
	for (const c of ['!', ' ', '<', '/', '\u00e9', '@', '*']) {
		let s = c.repeat(Math.max(min, 1));
		if ([...s].length > max) continue;
		if (sc.format === 'email' ? EMAIL_RE.test(s) : r.test(s)) continue;
		out.push(s);
		if (out.length === 2) break;
	}
	return out;
}

module.exports = { re, fits, stringOf, valid, typeOf, wrongTypes, patternBreakers, EMAIL_RE };
