import type { Command } from '../cli.js';

export const command: Command = {
  summary: '',
  usage: 'pixrender watch (not built yet)',
  async run() {
    process.stderr.write('pixrender watch: not built yet\n');
    return 2;
  },
};
