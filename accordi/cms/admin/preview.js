// The preview pane beside the form, laid out with the site's own style sheet (site.css): a
// record as its page shows it, in the language being written.

const h = window.h;
const createClass = window.createClass;

function field(collection, name) {
  const fields = collection && collection.get('fields');
  return fields && fields.find(f => f.get('name') === name);
}

// The words of a select's value, in the language of the preview (`it / en` labels).
function optionLabel(collection, name, value, lang) {
  const f = field(collection, name);
  const option = f && f.get('options') && f.get('options').find(o => o.get('value') === value);
  if (!option) return value || '';
  const [it, en] = option.get('label').split(' / ');
  return lang === 'en' && en ? en : it;
}

function text(value, lang) {
  if (!value) return '';
  if (typeof value === 'string') return value;
  const v = value.toJS ? value.toJS() : value;
  return (lang === 'en' && v.en) || v.it || '';
}

function list(value) {
  return value && value.toJS ? value.toJS() : value || [];
}

function row(label, content) {
  return content ? h('div', null, h('dt', null, label), h('dd', null, content)) : null;
}

export const AgreementPreview = createClass({
  render() {
    const { entry, collection, widgetFor } = this.props;
    const data = entry.get('data');
    const lang = this.props.locale || 'it';
    const en = lang === 'en';
    return h('div', { className: 'wrap' }, h('main', { lang },
      h('article', { className: 'agreement' },
        data.get('draft') ? h('p', { className: 'draft-banner' },
          h('strong', null, en ? 'Draft' : 'Bozza')) : null,
        h('header', { className: 'record-header' },
          h('p', { className: 'kicker' }, optionLabel(collection, 'type', data.get('type'), lang)),
          h('h1', null, data.get('title') || '')),
        data.get('object') ? h('p', { className: 'lead' }, data.get('object')) : null,
        h('section', { className: 'facts' }, h('dl', { className: 'facts-list' },
          row(en ? 'Signed' : 'Data di firma', data.get('signed')),
          row(en ? 'Duration' : 'Durata', data.get('duration')),
          row(en ? 'Expires' : 'Scadenza', data.get('expires')),
          row('Partner', list(data.get('partners')).join(', ')),
          row(en ? 'Themes' : 'Ambiti', list(data.get('themes')).join(', ')))),
        h('section', { className: 'prose agreement-text' }, widgetFor('body')))));
  },
});

export const RecordPreview = createClass({
  render() {
    const { entry, widgetFor } = this.props;
    const data = entry.get('data');
    const lang = this.props.locale || 'it';
    const body = data.has('body') ? h('div', { className: 'prose' }, widgetFor('body')) : null;
    return h('div', { className: 'wrap' }, h('main', { lang },
      h('h1', null, text(data.get('name') || data.get('title'), lang)),
      data.get('description') ? h('p', { className: 'lead' },
        text(data.get('description'), lang)) : null,
      body));
  },
});
