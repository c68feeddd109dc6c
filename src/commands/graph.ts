import type { Command } from '../cli.js';

export const command: Command = {
  summary: '',
  usage: 'pixrender graph (not built yet)',
  async run() {
    process.stderr.write('pixrender graph: not built yet\n');
    return 2;
  },
};
