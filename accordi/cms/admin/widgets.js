// The editor's own widgets, for what Decap CMS has none of: an id fixed once the record is
// saved (it is the record's address and its file's name), a date at the precision the source
// gives (a year, a month or a day), and a field written only in the English twin. Made with
// the React that Decap CMS brings (`window.h`, `window.createClass`).

const h = window.h;
const createClass = window.createClass;

const MONTHS = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio',
                'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];
const DATE = /^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$/;

function isNew(props) {
  const entry = props.getEntry ? props.getEntry() : props.entry;
  return Boolean(entry && entry.get && entry.get('newRecord'));
}

// The id: editable while the record is new (or the id still empty), read-only after.
export const IdControl = createClass({
  getInitialState() {
    return { locked: Boolean(this.props.value) && !isNew(this.props) };
  },
  render() {
    const { forID, value, onChange, classNameWrapper, setActiveStyle, setInactiveStyle } = this.props;
    const input = h('input', {
      id: forID, type: 'text', className: classNameWrapper, value: value || '',
      readOnly: this.state.locked, 'aria-readonly': this.state.locked ? 'true' : undefined,
      autoComplete: 'off', spellCheck: false,
      onChange: e => onChange(e.target.value.trim()),
      onFocus: setActiveStyle, onBlur: setInactiveStyle,
    });
    if (!this.state.locked) return input;
    return h('div', null, input, h('p', { className: 'accordi-fixed' },
      "Fissato: è l'indirizzo della scheda e il nome del suo file."));
  },
});

function daysIn(year, month) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// Why `value` is not a date of the forms the schema allows, or null.
export function dateProblem(value) {
  if (!value) return null;
  const m = DATE.exec(String(value));
  if (!m) return 'Scrivere l’anno (AAAA), eventualmente con il mese e il giorno.';
  const [, year, month, day] = m;
  if (month && (Number(month) < 1 || Number(month) > 12)) return `Il mese ${month} non esiste.`;
  if (day) {
    const most = daysIn(Number(year), Number(month));
    if (Number(day) < 1 || Number(day) > most) {
      return `${MONTHS[Number(month) - 1]} ${year} ha ${most} giorni.`;
    }
  }
  return null;
}

// A date at the precision of its source: the year, then a month if known, then a day.
export const DateControl = createClass({
  isValid() {
    const problem = dateProblem(this.props.value);
    return problem ? { error: { message: problem } } : true;
  },
  parts() {
    const m = DATE.exec(String(this.props.value || ''));
    return m ? { year: m[1], month: m[2] || '', day: m[3] || '' }
             : { year: String(this.props.value || ''), month: '', day: '' };
  },
  set(change) {
    const p = { ...this.parts(), ...change };
    if (!p.month) p.day = '';
    const value = [p.year, p.month, p.day].filter(Boolean).join('-');
    this.props.onChange(value);
  },
  render() {
    const { forID, classNameWrapper, setActiveStyle, setInactiveStyle } = this.props;
    const p = this.parts();
    const events = { onFocus: setActiveStyle, onBlur: setInactiveStyle };
    const pad = n => String(n).padStart(2, '0');
    const days = p.month ? daysIn(Number(p.year) || 2000, Number(p.month)) : 31;
    const row = { display: 'flex', flexWrap: 'wrap', gap: '1.5rem', alignItems: 'center' };
    const box = { border: '1px solid #767676', borderRadius: '4px', padding: '.3rem .5rem',
                  font: 'inherit', marginLeft: '.4rem' };
    return h('div', { className: classNameWrapper, role: 'group', style: row },
      h('label', null, 'Anno', h('input', { style: box,
        id: forID, type: 'text', inputMode: 'numeric', maxLength: 4, size: 5,
        value: p.year, pattern: '[0-9]{4}', autoComplete: 'off',
        onChange: e => this.set({ year: e.target.value.trim() }), ...events })),
      h('label', null, 'Mese', h('select', { style: box,
        value: p.month, disabled: !p.year,
        onChange: e => this.set({ month: e.target.value }), ...events },
        h('option', { value: '' }, '— non indicato'),
        MONTHS.map((name, i) => h('option', { key: name, value: pad(i + 1) }, name)))),
      h('label', null, 'Giorno', h('select', { style: box,
        value: p.day, disabled: !p.month,
        onChange: e => this.set({ day: e.target.value }), ...events },
        h('option', { value: '' }, '— non indicato'),
        Array.from({ length: days }, (_, i) => h('option', { key: i, value: pad(i + 1) },
          String(i + 1))))));
  },
});

export function DatePreview({ value }) {
  return h('span', null, value || '');
}

// A field only the English twin has (the translator's note): in Italian, a note saying so.
export const TranslationControl = createClass({
  render() {
    const { forID, value, onChange, classNameWrapper, locale, collection,
            setActiveStyle, setInactiveStyle } = this.props;
    const source = collection && collection.getIn(['i18n', 'default_locale']);
    if (!locale || locale === (source || 'it')) {
      return h('p', { id: forID, className: 'accordi-elsewhere' },
        'Si scrive nella traduzione inglese: scegliere EN in «Scrivendo in».');
    }
    return h('textarea', {
      id: forID, className: classNameWrapper, value: value || '', rows: 3,
      onChange: e => onChange(e.target.value), onFocus: setActiveStyle,
      onBlur: setInactiveStyle,
    });
  },
});
