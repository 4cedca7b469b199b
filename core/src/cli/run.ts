// Runs the CLI in this process: `node run.js start …` (what bin/aisbf.js does, usable from source too).
import { main } from './main.js';

main(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
