// From source (tests, scripts): the pool worker through tsx's CommonJS hook. Built, the pool
// uses out/main/indicators-pool.js instead.
require('tsx/cjs');
const mod = require('./pool-worker.ts');
module.exports = mod.default || mod;
