#!/usr/bin/env node
// The cards mdanki 1.1.2 makes of markdown files, as JSON: the reference that
// tests/export_mdanki.rs compares mdcards' cards with.
//
// Usage (from the repository root, with a checkout of github.com/ashlinchak/mdanki):
//   node scripts/mdanki_reference.js MDANKI_CHECKOUT tests/fixtures/mdanki \
//     > tests/fixtures/mdanki/mdanki-1.1.2.json
//
// Every .md file under the folder goes through mdanki's own file serializer (the code that
// splits a file into cards, fronts, backs and tags). Its markdown-to-HTML step (marked) and
// the modules only its packaging needs are replaced by stand-ins, so each side comes out as
// the markdown mdanki would hand to marked; nothing needs installing.
'use strict';

const fs = require('fs');
const path = require('path');
const Module = require('module');

const [checkout, folder] = process.argv.slice(2);
if (!checkout || !folder) {
  console.error('usage: node scripts/mdanki_reference.js MDANKI_CHECKOUT FOLDER');
  process.exit(2);
}

const standIns = {
  marked: Object.assign((text) => text, {
    setOptions: () => {},
    Renderer: function Renderer() {},
    parse: (text, done) => done(null, text),
  }),
  lodash: { merge: (settings, overrides) => Object.assign(settings, overrides) },
  yargs: { argv: {} },
};
const load = Module._load;
Module._load = function loadWithStandIns(request, ...rest) {
  if (request in standIns) return standIns[request];
  // Highlighting languages, downloads and packaging play no part in splitting cards.
  if (request.startsWith('prismjs')) return { languages: {} };
  if (['axios', 'bluebird', 'glob', 'anki-apkg-export'].includes(request)) return {};
  return load.call(this, request, ...rest);
};

const FileSerializer = require(path.resolve(checkout, 'src/file_serializer'));

function markdownFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return markdownFiles(full);
      return /\.(md|markdown)$/.test(entry.name) ? [full] : [];
    });
}

(async () => {
  const reference = {};
  for (const file of markdownFiles(folder)) {
    const { deckName, cards } = await new FileSerializer(file).transform();
    reference[path.relative(folder, file).split(path.sep).join('/')] = {
      deck: deckName,
      cards: cards.map(({ front, back, tags }) => ({ front, back, tags })),
    };
  }
  process.stdout.write(`${JSON.stringify(reference, null, 1)}\n`);
})();
