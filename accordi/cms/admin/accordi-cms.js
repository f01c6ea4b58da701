// The web editor: Decap CMS (loaded before this module, started by hand) with the site's
// file format, its widgets, a preview in the site's own style, and the configuration and
// shapes made from the content schema (config.yml, shapes.json).

import { fromFile, toFile } from './format.js';
import { IdControl, DateControl, DatePreview, TranslationControl } from './widgets.js';
import { AgreementPreview, RecordPreview } from './preview.js';

const CMS = window.CMS;

// Files whose text is only whitespace are never written: the English twin of a new
// agreement left untranslated is no file at all (the site then shows the Italian text).
function withoutEmptyFiles(name) {
  const backend = CMS.getBackend(name);
  if (!backend) return;
  const init = backend.init;
  backend.init = (...args) => {
    const implementation = init(...args);
    const persist = implementation.persistEntry.bind(implementation);
    implementation.persistEntry = (entry, options) => persist(
      { ...entry, dataFiles: (entry.dataFiles || []).filter(f => f.raw.trim() !== '') },
      options);
    return implementation;
  };
}

async function start() {
  const formats = await (await fetch('shapes.json', { cache: 'no-store' })).json();
  for (const [name, f] of Object.entries(formats)) {
    const options = { frontMatter: f.front_matter, list: f.list, twin: f.twin };
    CMS.registerCustomFormat(name, f.extension, {
      fromFile: text => fromFile(text, f.shape, options),
      toFile: data => toFile(data, f.shape, options),
    });
  }
  CMS.registerWidget('accordi-id', IdControl);
  CMS.registerWidget('accordi-date', DateControl, DatePreview);
  CMS.registerWidget('accordi-translation', TranslationControl);
  ['proxy', 'github', 'gitlab'].forEach(withoutEmptyFiles);
  CMS.registerPreviewStyle(new URL('../assets/css/site.css', document.baseURI).href);
  CMS.registerPreviewStyle(new URL('preview.css', document.baseURI).href);
  CMS.registerPreviewTemplate('agreements', AgreementPreview);
  CMS.registerPreviewTemplate('partners', RecordPreview);
  CMS.registerPreviewTemplate('pages', RecordPreview);
  CMS.init();
}

start();
