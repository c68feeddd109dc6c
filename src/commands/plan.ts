import type { Command } from '../cli.js';

export const command: Command = {
  summary: '',
  usage: 'pixrender plan (not built yet)',
  async run() {
    process.stderr.write('pixrender plan: not built yet\n');
    return 2;
  },
};
