// Decap CMS waits for accordi-cms.js, which registers the site's file format and widgets
// before it starts the editor.
window.CMS_MANUAL_INIT = true;
