// Citation block: the date of access is the reader's day, written like every date of the site
// (day, month name in the citation's language, year; the names come with the page).
// Without JavaScript the placeholder ("[date of access]") stays for the reader to fill in.
const today = new Date();
const pad = (n) => String(n).padStart(2, "0");
const iso = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;

for (const slot of document.querySelectorAll(".access-date[data-months]")) {
  const months = slot.dataset.months.split(" ");
  const time = document.createElement("time");
  time.dateTime = iso;
  time.textContent = `${today.getDate()} ${months[today.getMonth()]} ${today.getFullYear()}`;
  slot.replaceChildren(time);
}
