// Jest runs CommonJS; a few dependencies (jose, node-pg-migrate) ship only ES modules.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      format: 'cjs',
      target: 'node20',
      sourcefile: filename,
      sourcemap: 'inline',
      define: { 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
      supported: { 'top-level-await': false },
    });
    return { code, map };
  },
};
