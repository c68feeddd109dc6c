import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/commands/args.js';
import { settleFlags } from '../../src/commands/status.js';

describe('status --adopt / --abandon', () => {
  it('splits JOB=VIDEO_ID at the last "=", so matrix ids keep theirs', () => {
    const { actions, rest } = settleFlags(['p.yaml', '--adopt', 'shot[aspect=16:9]=user:1-pixverse:a@b-video:9', '--abandon=big', '--plain']);
    expect(actions).toEqual([
      { kind: 'adopt', job: 'shot[aspect=16:9]', videoId: 'user:1-pixverse:a@b-video:9' },
      { kind: 'abandon', job: 'big' },
    ]);
    expect(rest).toEqual(['p.yaml', '--plain']);
  });

  it('refuses a value without a video id', () => {
    expect(() => settleFlags(['p.yaml', '--adopt', 'big'])).toThrow(UsageError);
    expect(() => settleFlags(['p.yaml', '--abandon'])).toThrow(UsageError);
  });
});
