// Builds the GOV.UK Frontend styles, scripts and assets into static/dist/.
//
//   npm run build
//
// Output (git-ignored, rebuilt by the setup scripts):
//   static/dist/app.css                  GOV.UK Frontend + frontend/app.scss, compressed
//   static/dist/govuk-frontend.min.js    GOV.UK Frontend ES module (exports initAll)
//   static/dist/init.js                  tiny module that calls initAll()
//   static/dist/assets/                  fonts, images and manifest.json from GOV.UK Frontend
//
// The build is deterministic: the same inputs give byte-identical outputs.

import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import * as sass from 'sass'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const nodeModules = join(root, 'node_modules')
const govuk = join(nodeModules, 'govuk-frontend', 'dist', 'govuk')
const out = join(root, 'static', 'dist')

if (!existsSync(govuk)) {
  console.error(`govuk-frontend is not installed (looked in ${govuk}): run "npm ci" first.`)
  process.exit(1)
}

const started = Date.now()
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

// 1. Styles. The assets path must match where Django serves static/dist/assets/.
const css = sass.compile(join(root, 'frontend', 'app.scss'), {
  loadPaths: [nodeModules],
  style: 'compressed',
  sourceMap: false,
  // Deprecation warnings from inside GOV.UK Frontend are not ours to fix.
  quietDeps: true
})
writeFileSync(join(out, 'app.css'), css.css + '\n')

// 2. Scripts: the ES module build of GOV.UK Frontend and a module that initialises it.
cpSync(join(govuk, 'govuk-frontend.min.js'), join(out, 'govuk-frontend.min.js'))
cpSync(join(govuk, 'govuk-frontend.min.js.map'), join(out, 'govuk-frontend.min.js.map'))
writeFileSync(
  join(out, 'init.js'),
  "import { initAll } from './govuk-frontend.min.js'\n\ninitAll()\n"
)

// 3. Assets: fonts, images and the web app manifest.
cpSync(join(govuk, 'assets'), join(out, 'assets'), { recursive: true })

console.log(`Built static/dist in ${Date.now() - started} ms`)
