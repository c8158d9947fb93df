// `make docs-settings`: writes docs/settings.md from the settings modules and the compose files.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./compose-files.ts";
import { settingsDoc } from "./settings-doc.ts";

export const SETTINGS_DOC = "docs/settings.md";

writeFileSync(join(ROOT, SETTINGS_DOC), settingsDoc());
console.log(`wrote ${SETTINGS_DOC}`);
