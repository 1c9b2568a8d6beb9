// The job progress page, with JavaScript: instead of reloading the whole page (the <noscript> meta refresh
// does that without JavaScript), fetch it every few seconds, swap in the new status and say what changed
// in a polite live region; when the job finishes, move focus to the new heading.
const status = document.getElementById('job-status')
const live = document.getElementById('job-live')

function schedule (seconds) {
  if (seconds > 0) {
    window.setTimeout(check, seconds * 1000)
  }
}

async function check () {
  let page
  try {
    const response = await window.fetch(window.location.href, { credentials: 'same-origin', cache: 'no-store' })
    if (!response.ok) {
      return schedule(Number(status.dataset.refreshSeconds) * 2)
    }
    page = new window.DOMParser().parseFromString(await response.text(), 'text/html')
  } catch (error) {
    return schedule(Number(status.dataset.refreshSeconds) * 2)
  }
  const fresh = page.getElementById('job-status')
  if (!fresh) {
    return
  }
  status.innerHTML = fresh.innerHTML
  status.dataset.refreshSeconds = fresh.dataset.refreshSeconds
  live.textContent = fresh.dataset.announce || ''
  if (fresh.dataset.finished === 'true') {
    const heading = status.querySelector('h1')
    if (heading) {
      heading.setAttribute('tabindex', '-1')
      heading.focus()
    }
    return
  }
  schedule(Number(fresh.dataset.refreshSeconds))
}

if (status && live) {
  schedule(Number(status.dataset.refreshSeconds))
}
