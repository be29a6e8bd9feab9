// check.js STACKS_DIR INVENTORY: proves the stacks catalogue sound and prints
// TAP. STACKS_DIR is terraform/stacks (catalogue.json and one root module per
// stack); INVENTORY is what tests/stacks/hcl-inventory (lib/hcl.c) printed for
// every .tf file there. Every module is parsed with HashiCorp's HCL2 parser
// (@cdktf/hcl2json), and both parsers must see the same blocks. Then the
// catalogue is checked the way template validation will check it: known
// dependencies, no cycle, every ${{ stack.outputs.name }} input pointing at a
// declared dependency's declared output and at a declared variable, every
// variable without a default provided, both templates closed under
// dependencies. Each whole-catalogue check is then run once more on a copy
// broken on purpose, and must fail: a check that cannot fail proves nothing.
'use strict';
const fs = require('fs');
const path = require('path');
const { parse } = require('@cdktf/hcl2json');

const FILES = ['main.tf', 'variables.tf', 'outputs.tf'];
// An input taken from another stack's output: the manifest's syntax.
const REF = /^\$\{\{\s*([a-z0-9-]+)\.outputs\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;
// A template parameter in a configuration value, replaced at generate time.
const PARAM = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
// Names of a secret value (app_secrets, client_secret; not app_secret_arn).
const SECRET = /(^|_)(password|secret|secrets|token|private_key)$/;
// What the document (../shared/originals/003) shows of the default template.
const DOCUMENT_STACKS = [
  'network', 'security', 'dns', 'secrets', 'authentication', 'storage', 'database-rds',
  'containers-images', 'containers-apps', 'services-ecr', 'services-ecs', 'services-eks',
  'services-api', 'compute-ec2', 'compute-lambda', 'monitoring',
];

let count = Number(process.env.TAP_START || 0);
let failures = 0;

function tap(problems, what) {
  count++;
  if (problems.length === 0) {
    console.log(`ok ${count} - ${what}`);
    return;
  }
  failures++;
  console.log(`not ok ${count} - ${what}`);
  for (const p of problems.slice(0, 30)) console.log(`#   ${p}`);
}

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// ---------------------------------------------------------------- loading

// A module as HashiCorp's parser sees it: per file ok/error, and the
// variables, outputs and blocks it declares.
async function loadModule(dir) {
  const m = { files: {}, variables: {}, outputs: {}, blocks: [] };
  for (const f of FILES) {
    const file = path.join(dir, f);
    let json;
    try {
      json = await parse(file, fs.readFileSync(file, 'utf8'));
    } catch (e) {
      m.files[f] = String(e).replace(/\s+/g, ' ').slice(0, 300);
      continue;
    }
    m.files[f] = 'ok';
    for (const [name, [v]] of Object.entries(json.variable || {})) {
      m.variables[name] = {
        type: 'type' in v, default: 'default' in v, description: 'description' in v,
        sensitive: v.sensitive === true,
      };
      m.blocks.push(blockLine(f, 'variable', name, m.variables[name]));
    }
    for (const [name, [o]] of Object.entries(json.output || {})) {
      m.outputs[name] = { description: 'description' in o, sensitive: o.sensitive === true };
      m.blocks.push(blockLine(f, 'output', name, m.outputs[name]));
    }
    for (const kind of ['resource', 'data'])
      for (const [type, byName] of Object.entries(json[kind] || {}))
        for (const name of Object.keys(byName))
          m.blocks.push(blockLine(f, kind, `${type}.${name}`, {}));
  }
  m.blocks.sort();
  return m;
}

// One block as "file kind name flags", the shape hcl-inventory prints.
function blockLine(file, kind, name, flags) {
  const set = ['type', 'default', 'description', 'sensitive'].filter((k) => flags[k]);
  return `${file} ${kind} ${name} ${set.join(',')}`;
}

// The same, from lib/hcl.c's inventory: stack -> { errors, blocks }.
function loadInventory(file, stacksDir) {
  const inv = {};
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return null;
  }
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [f, kind, name = '', flags = ''] = line.split('\t');
    const rel = path.relative(stacksDir, f).split(path.sep);
    const stack = rel[0];
    const base = rel[rel.length - 1];
    inv[stack] = inv[stack] || { errors: [], blocks: [] };
    if (kind === 'error') inv[stack].errors.push(`${base}: ${name}`);
    else if (['variable', 'output', 'resource', 'data'].includes(kind))
      inv[stack].blocks.push(`${base} ${kind} ${name} ${flags}`);
  }
  for (const s of Object.values(inv)) s.blocks.sort();
  return inv;
}

// ---------------------------------------------------------------- graph

// Kahn's algorithm over the stacks `names` (dependencies outside them are
// ignored): { layers, cycle } where cycle is a path like a -> b -> a.
function layers(stacks, names) {
  const set = new Set(names);
  const left = new Map(names.map((n) => [n, (stacks[n].dependencies || []).filter((d) => set.has(d))]));
  const done = new Set();
  const out = [];
  while (left.size > 0) {
    const layer = [...left.keys()].filter((n) => left.get(n).every((d) => done.has(d)));
    if (layer.length === 0) return { layers: out, cycle: findCycle(left) };
    for (const n of layer) left.delete(n);
    for (const n of layer) done.add(n);
    out.push(layer);
  }
  return { layers: out, cycle: null };
}

// A cycle among what Kahn's algorithm could not place: walk dependencies
// until a stack repeats.
function findCycle(left) {
  let n = left.keys().next().value;
  const seen = [];
  while (!seen.includes(n)) {
    seen.push(n);
    n = left.get(n).find((d) => left.has(d));
  }
  return [...seen.slice(seen.indexOf(n)), n].join(' -> ');
}

// ---------------------------------------------------------------- checks

// Each takes the model { cat, mods } and returns a list of problems.
const checks = [
  {
    what: 'catalogue.json has the shape the template endpoints will read',
    run({ cat }) {
      const p = [];
      if (!isObj(cat)) return ['not a JSON object'];
      if (typeof cat.version !== 'string') p.push('version: not a string');
      for (const k of ['context', 'parameters', 'stacks', 'templates'])
        if (!isObj(cat[k])) p.push(`${k}: not an object`);
      if (p.length) return p;
      for (const [name, s] of Object.entries(cat.stacks)) {
        if (!/^[a-z][a-z0-9-]*$/.test(name)) p.push(`${name}: not a stack name`);
        if (typeof s.description !== 'string' || s.description === '') p.push(`${name}: no description`);
        if (!Array.isArray(s.dependencies) || !s.dependencies.every((d) => typeof d === 'string'))
          p.push(`${name}: dependencies is not a list of names`);
        if (!isObj(s.inputs) || !Object.values(s.inputs).every((v) => typeof v === 'string'))
          p.push(`${name}: inputs is not an object of strings`);
        if (!isObj(s.config)) p.push(`${name}: config is not an object`);
      }
      for (const [name, t] of Object.entries(cat.templates)) {
        if (typeof t.description !== 'string' || typeof t.version !== 'string')
          p.push(`template ${name}: no description or version`);
        if (!Array.isArray(t.stacks)) p.push(`template ${name}: stacks is not a list`);
      }
      for (const [name, q] of Object.entries(cat.parameters))
        if (typeof q.type !== 'string' || typeof q.required !== 'boolean' || typeof q.description !== 'string')
          p.push(`parameter ${name}: needs type, required and description`);
      return p;
    },
    bite: ['a stack without dependencies', (m) => delete m.cat.stacks.dns.dependencies],
  },
  {
    what: 'every stack of the catalogue has its module directory (main.tf, variables.tf, outputs.tf), and every module is in the catalogue',
    run({ cat, dirs }) {
      const p = [];
      for (const name of Object.keys(cat.stacks))
        if (!dirs[name]) p.push(`${name}: no directory`);
        else for (const f of FILES) if (!dirs[name].includes(f)) p.push(`${name}: no ${f}`);
      for (const name of Object.keys(dirs))
        if (!cat.stacks[name]) p.push(`${name}/: a module the catalogue does not list`);
      return p;
    },
    bite: ['a module directory without outputs.tf', (m) => m.dirs.dns.splice(m.dirs.dns.indexOf('outputs.tf'), 1)],
  },
  {
    what: 'every module declares the context variables (typed, described) the orchestrator sets',
    run({ cat, mods }) {
      const p = [];
      for (const [name, m] of Object.entries(mods))
        for (const v of Object.keys(cat.context))
          if (!m.variables[v]) p.push(`${name}: no variable "${v}"`);
      return p;
    },
    bite: ['a module without the region variable', (m) => delete m.mods.storage.variables.region],
  },
  {
    what: 'every variable has a type and a description, every output a description',
    run({ mods }) {
      const p = [];
      for (const [name, m] of Object.entries(mods)) {
        for (const [v, f] of Object.entries(m.variables)) {
          if (!f.type) p.push(`${name}: variable "${v}" has no type`);
          if (!f.description) p.push(`${name}: variable "${v}" has no description`);
        }
        for (const [o, f] of Object.entries(m.outputs))
          if (!f.description) p.push(`${name}: output "${o}" has no description`);
      }
      return p;
    },
    bite: ['an untyped variable', (m) => { m.mods.dns.variables.vpc_id.type = false; }],
  },
  {
    what: 'secrets are sensitive: outputs and variables named like one, and variables fed by a sensitive output',
    run({ cat, mods }) {
      const p = [];
      const secret = (n) => SECRET.test(n);
      for (const [name, m] of Object.entries(mods)) {
        for (const [o, f] of Object.entries(m.outputs))
          if (secret(o) && !f.sensitive) p.push(`${name}: output "${o}" is not sensitive`);
        for (const [v, f] of Object.entries(m.variables))
          if (secret(v) && !f.sensitive) p.push(`${name}: variable "${v}" is not sensitive`);
      }
      for (const [name, s] of Object.entries(cat.stacks))
        for (const [v, ref] of Object.entries(s.inputs)) {
          const r = REF.exec(ref);
          const from = r && mods[r[1]] && mods[r[1]].outputs[r[2]];
          const to = mods[name] && mods[name].variables[v];
          if (from && from.sensitive && to && !to.sensitive)
            p.push(`${name}: variable "${v}" takes the sensitive ${r[1]}.${r[2]} but is not sensitive`);
        }
      return p;
    },
    bite: ['the Cognito client secret output not sensitive', (m) => {
      m.mods.authentication.outputs.user_pool_client_secret.sensitive = false;
    }],
  },
  {
    what: 'dependencies name other stacks of the catalogue, once each',
    run({ cat }) {
      const p = [];
      for (const [name, s] of Object.entries(cat.stacks)) {
        for (const d of s.dependencies) {
          if (!cat.stacks[d]) p.push(`${name}: unknown dependency "${d}"`);
          if (d === name) p.push(`${name}: depends on itself`);
        }
        if (new Set(s.dependencies).size !== s.dependencies.length) p.push(`${name}: a dependency listed twice`);
      }
      return p;
    },
    bite: ['a dependency on a stack that does not exist', (m) => m.cat.stacks.dns.dependencies.push('networking')],
  },
  {
    what: 'the dependency graph is acyclic',
    run({ cat }) {
      const { cycle } = layers(cat.stacks, Object.keys(cat.stacks));
      return cycle ? [`cycle: ${cycle}`] : [];
    },
    bite: ['network depending on monitoring', (m) => m.cat.stacks.network.dependencies.push('monitoring')],
  },
  {
    what: 'every input is ${{ stack.outputs.name }} of a declared dependency that declares that output, into a variable the module declares',
    run({ cat, mods }) {
      const p = [];
      for (const [name, s] of Object.entries(cat.stacks))
        for (const [v, ref] of Object.entries(s.inputs)) {
          const r = REF.exec(ref);
          if (!r) {
            p.push(`${name}.inputs.${v}: "${ref}" is not \${{ <stack>.outputs.<name> }}`);
            continue;
          }
          if (!s.dependencies.includes(r[1])) p.push(`${name}.inputs.${v}: ${r[1]} is not a dependency of ${name}`);
          else if (!mods[r[1]] || !mods[r[1]].outputs[r[2]])
            p.push(`${name}.inputs.${v}: ${r[1]} declares no output "${r[2]}"`);
          if (!mods[name] || !mods[name].variables[v]) p.push(`${name}.inputs.${v}: ${name} declares no variable "${v}"`);
        }
      return p;
    },
    bite: ['an input from an output network does not declare', (m) => {
      m.cat.stacks.dns.inputs.vpc_id = '${{ network.outputs.vpc }}';
    }],
  },
  {
    what: 'every dependency is used: some input comes from it (the graph is the data flow)',
    run({ cat }) {
      const p = [];
      for (const [name, s] of Object.entries(cat.stacks)) {
        const used = new Set(Object.values(s.inputs).map((ref) => (REF.exec(ref) || [])[1]));
        for (const d of s.dependencies) if (!used.has(d)) p.push(`${name}: depends on ${d} but takes nothing from it`);
      }
      return p;
    },
    bite: ['dns also depending on security', (m) => m.cat.stacks.dns.dependencies.push('security')],
  },
  {
    what: 'every variable without a default is set: by an input, the configuration or the context',
    run({ cat, mods }) {
      const p = [];
      for (const [name, s] of Object.entries(cat.stacks)) {
        if (!mods[name]) continue;
        for (const [v, f] of Object.entries(mods[name].variables))
          if (!f.default && !(v in s.inputs) && !(v in s.config) && !(v in cat.context))
            p.push(`${name}: nothing sets variable "${v}"`);
      }
      return p;
    },
    bite: ['the RDS instance class left out of the configuration', (m) => delete m.cat.stacks['database-rds'].config.instance_class],
  },
  {
    what: 'configuration keys are declared variables, not inputs too, and their {{ parameters }} are template parameters',
    run({ cat, mods }) {
      const p = [];
      for (const [name, s] of Object.entries(cat.stacks))
        for (const [k, v] of Object.entries(s.config)) {
          if (!mods[name] || !mods[name].variables[k]) p.push(`${name}.config.${k}: no such variable`);
          if (k in s.inputs) p.push(`${name}.config.${k}: also an input`);
          const text = JSON.stringify(v);
          if (text.includes('${{')) p.push(`${name}.config.${k}: a \${{ }} reference belongs in inputs`);
          for (const [, param] of text.matchAll(PARAM))
            if (!cat.parameters[param]) p.push(`${name}.config.${k}: unknown parameter {{ ${param} }}`);
        }
      return p;
    },
    bite: ['a configuration value with an unknown parameter', (m) => { m.cat.stacks.dns.config.domain_name = '{{ domian }}'; }],
  },
  {
    what: 'templates list known stacks once each and are closed under dependencies',
    run({ cat }) {
      const p = [];
      for (const [t, tpl] of Object.entries(cat.templates)) {
        const set = new Set(tpl.stacks);
        if (set.size !== tpl.stacks.length) p.push(`${t}: a stack listed twice`);
        for (const s of tpl.stacks) {
          if (!cat.stacks[s]) {
            p.push(`${t}: unknown stack "${s}"`);
            continue;
          }
          for (const d of cat.stacks[s].dependencies)
            if (!set.has(d)) p.push(`${t}: ${s} depends on ${d}, which the template lacks`);
        }
      }
      return p;
    },
    bite: ['minimal without storage (compute-lambda needs it)', (m) => {
      m.cat.templates.minimal.stacks = m.cat.templates.minimal.stacks.filter((s) => s !== 'storage');
    }],
  },
  {
    what: 'the templates are the document\'s: default has its 16 stacks in its order, minimal 8 of them',
    run({ cat }) {
      const p = [];
      const d = cat.templates.default;
      const mn = cat.templates.minimal;
      if (!d || JSON.stringify(d.stacks) !== JSON.stringify(DOCUMENT_STACKS)) p.push('default: not the document\'s 16 stacks');
      if (d && JSON.stringify(Object.keys(cat.stacks).sort()) !== JSON.stringify([...d.stacks].sort()))
        p.push('default: not every stack of the catalogue');
      if (!mn || mn.stacks.length !== 8) p.push('minimal: not 8 stacks');
      return p;
    },
    bite: ['monitoring dropped from default', (m) => { m.cat.templates.default.stacks.pop(); }],
  },
  {
    what: 'the document\'s examples hold: layers start [network, security] then dns and secrets; database-rds depends on network and security; network and security outputs; compute-lambda has no configuration',
    run({ cat, mods }) {
      const p = [];
      const { layers: l } = layers(cat.stacks, cat.templates.default.stacks);
      if (JSON.stringify(l[0]) !== '["network","security"]') p.push(`layer 1 is ${JSON.stringify(l[0])}`);
      if (!l[1] || !l[1].includes('dns') || !l[1].includes('secrets')) p.push(`layer 2 is ${JSON.stringify(l[1])}`);
      const rds = cat.stacks['database-rds'];
      if (!rds || JSON.stringify([...rds.dependencies].sort()) !== '["network","security"]')
        p.push('database-rds does not depend on exactly network and security');
      for (const o of ['vpc_id', 'public_subnet_ids', 'private_subnet_ids'])
        if (!mods.network || !mods.network.outputs[o]) p.push(`network has no output ${o}`);
      if (!mods.security || !mods.security.outputs.default_security_group_id)
        p.push('security has no output default_security_group_id');
      if (!cat.stacks['compute-lambda'] || Object.keys(cat.stacks['compute-lambda'].config).length !== 0)
        p.push('compute-lambda has configuration (the document warns it has none)');
      return p;
    },
    bite: ['security depending on network', (m) => {
      m.cat.stacks.security.dependencies.push('network');
    }],
  },
];

// ---------------------------------------------------------------- main

async function main() {
  const [stacksDir, inventoryFile] = process.argv.slice(2);
  let cat;
  try {
    cat = JSON.parse(fs.readFileSync(path.join(stacksDir, 'catalogue.json'), 'utf8'));
  } catch (e) {
    tap([String(e)], 'catalogue.json is JSON');
    console.log(`1..${count}`);
    process.exit(1);
  }
  tap([], 'catalogue.json is JSON');
  const dirs = {};
  for (const e of fs.readdirSync(stacksDir, { withFileTypes: true }))
    if (e.isDirectory()) dirs[e.name] = fs.readdirSync(path.join(stacksDir, e.name)).filter((f) => f.endsWith('.tf'));
  const names = Object.keys(dirs).sort();
  const mods = {};
  for (const n of names) mods[n] = await loadModule(path.join(stacksDir, n));
  const inv = loadInventory(inventoryFile, stacksDir);

  // Per module: HashiCorp's parser, then lib/hcl.c agreeing with it.
  for (const n of names) {
    const p = Object.entries(mods[n].files).filter(([, r]) => r !== 'ok').map(([f, r]) => `${f}: ${r}`);
    tap(p, `${n}: ${FILES.join(', ')} parse with HashiCorp's HCL2 parser`);
  }
  for (const n of names) {
    let p;
    if (!inv) p = ['no inventory from hcl-inventory (lib/hcl.c)'];
    else if (!inv[n]) p = ['hcl-inventory listed no file of this module'];
    else if (inv[n].errors.length) p = inv[n].errors;
    else p = diff(mods[n].blocks, inv[n].blocks);
    tap(p, `${n}: lib/hcl.c parses it and sees the same variables, outputs and resources`);
  }

  const model = { cat, mods, dirs };
  for (const c of checks) tap(c.run(model), c.what);

  // The layers, for the eye (and the report).
  for (const t of Object.keys(cat.templates)) {
    const { layers: l, cycle } = layers(cat.stacks, cat.templates[t].stacks.filter((s) => cat.stacks[s]));
    if (!cycle) console.log(`# ${t}: ${l.map((x, i) => `layer ${i + 1}: ${x.join(' ')}`).join('; ')}`);
  }

  // Each check must fail on a catalogue broken on purpose.
  for (const c of checks) {
    const [how, breakIt] = c.bite;
    const broken = structuredClone(model);
    breakIt(broken);
    const caught = c.run(broken);
    tap(caught.length ? [] : [`"${c.what}" found nothing wrong`],
      `the check "${c.what.slice(0, 48)}..." catches ${how}: ${caught[0] || 'nothing'}`);
  }
  // HashiCorp's parser must reject a broken file, and the parser comparison
  // must see a difference.
  let rejected = false;
  try {
    await parse('broken.tf', 'resource "aws_vpc" "main" {\n  cidr_block = \n');
  } catch (e) {
    rejected = true;
  }
  tap(rejected ? [] : ['it accepted it'], "HashiCorp's parser rejects a module with an unclosed block");
  const someone = names.find((n) => inv && inv[n] && inv[n].errors.length === 0);
  tap(someone && diff(mods[someone].blocks, inv[someone].blocks.slice(1)).length ? [] : ['no difference seen'],
    'the parser comparison catches a block lib/hcl.c would miss');

  console.log(`1..${count}`);
  process.exit(failures ? 1 : 0);
}

// What one list has and the other lacks.
function diff(hashicorp, ours) {
  const a = new Set(hashicorp);
  const b = new Set(ours);
  return [
    ...hashicorp.filter((x) => !b.has(x)).map((x) => `only HashiCorp's parser sees: ${x}`),
    ...ours.filter((x) => !a.has(x)).map((x) => `only lib/hcl.c sees: ${x}`),
  ];
}

main();
