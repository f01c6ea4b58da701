// Citation block: the date of access is the reader's day, written in each citation's language.
// Without JavaScript the placeholder ("[date of access]") stays for the reader to fill in.
const today = new Date();
const pad = (n) => String(n).padStart(2, "0");
const iso = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;

for (const slot of document.querySelectorAll(".access-date")) {
  const lang = slot.dataset.lang || document.documentElement.lang;
  const time = document.createElement("time");
  time.dateTime = iso;
  time.textContent = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric" })
    .format(today);
  slot.replaceChildren(time);
}
