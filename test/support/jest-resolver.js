// Jest resolves with the "require"/"default"/"node" conditions. file-type >= 20 exports only
// "import"/"module-sync" under "node", so resolve that one package with ESM conditions.
// Scoped by request name, so nested older copies (file-box -> jimp -> file-type@16) keep theirs.
const ESM_CONDITIONS = ['node', 'module-sync', 'import', 'default'];
module.exports = (request, options) =>
  options.defaultResolver(request, request === 'file-type' ? { ...options, conditions: ESM_CONDITIONS } : options);
