/** The CLI as a process of its own (a broker that can be killed mid-run), run through tsx. */
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv);
