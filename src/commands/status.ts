import type { Command } from '../cli.js';

export const command: Command = {
  summary: '',
  usage: 'pixrender status (not built yet)',
  async run() {
    process.stderr.write('pixrender status: not built yet\n');
    return 2;
  },
};
