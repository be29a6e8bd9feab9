// hcl-resources.js FILE...: parses each file with HashiCorp's HCL2 parser
// (@cdktf/hcl2json, the real hclsyntax compiled to WebAssembly) and prints
// one line per file: "FILE<TAB>ok<TAB>type.name type.name ..." listing its
// resources, or "FILE<TAB>error<TAB>reason". One process for many files,
// because starting node costs half a second.
'use strict';
const fs = require('fs');
const { parse } = require('@cdktf/hcl2json');

async function main() {
  for (const file of process.argv.slice(2)) {
    try {
      const json = await parse(file, fs.readFileSync(file, 'utf8'));
      const names = [];
      for (const [type, byName] of Object.entries(json.resource || {}))
        for (const name of Object.keys(byName)) names.push(`${type}.${name}`);
      names.sort();
      process.stdout.write(`${file}\tok\t${names.join(' ')}\n`);
    } catch (e) {
      process.stdout.write(`${file}\terror\t${String(e).replace(/\s+/g, ' ')}\n`);
    }
  }
}
main();
