import type { Command } from '../cli.js';

export const command: Command = {
  summary: '',
  usage: 'pixrender sim (not built yet)',
  async run() {
    process.stderr.write('pixrender sim: not built yet\n');
    return 2;
  },
};
