import { CONFIGURATION_DOC, renderConfigurationDoc, writeConfigurationDoc } from './configuration-doc';

/** `npm run docs:configuration`: rewrites the generated tables of docs/configuration.md from the config schemas. */
renderConfigurationDoc().then(
  (text) => {
    writeConfigurationDoc(text);
    console.log(`wrote ${CONFIGURATION_DOC}`);
  },
  (error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  },
);
