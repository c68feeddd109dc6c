import type { Command } from '../cli.js';

export const command: Command = {
  summary: '',
  usage: 'pixrender validate (not built yet)',
  async run() {
    process.stderr.write('pixrender validate: not built yet\n');
    return 2;
  },
};
