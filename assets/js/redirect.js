// A renamed agreement's former address: a deep link to it (#art-3) goes along to the new
// address, which the refresh alone would drop. Without JavaScript the refresh still leads
// to the new page, at its top.
const target = document.currentScript.dataset.target;
if (target && window.location.hash) {
  window.location.replace(target + window.location.hash);
}
