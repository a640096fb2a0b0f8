import { main } from '../src/cli/main.js';
process.exitCode = await main(['node', 'samenzicht', ...process.argv.slice(2)]);
