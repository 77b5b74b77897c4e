/** The native module (napi-rs): `index.js` and `index.d.ts` at the package root are made by `napi build`. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const native: typeof import('../index') = require('../index.js')
