/**
 * The manifest schema without its job kinds: the kinds (src/kinds) add their fields, `$defs` and then-step
 * forms in schema.ts, which writes schemas/manifest.schema.json (`npm run schema`).
 */
import { SETTING_NAMES } from '../manifest/types.js';
import type { JsonSchema } from './types.js';

/** Every setting, as defaults and jobs accept it: a reference to its definition below. */
const SETTING_REFS = Object.fromEntries(SETTING_NAMES.map((name) => [name, { $ref: `#/$defs/${name}` }]));

export const BASE_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'manifest.schema.json',
  title: 'pixrender manifest',
  description: 'One renderable project: named video jobs for the PixVerse API v2 (useapi.net), their inputs, defaults, post-steps and outputs. Reference: docs/manifest.md.',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'jobs'],
  properties: {
    version: { description: 'Manifest language version. Always 1.', const: 1, examples: [1] },
    name: {
      description: 'Project name: the `${name}` variable and the default output folder `renders/${name}`. Defaults to the manifest\'s file name without extension.',
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
      examples: ['espresso-teaser'],
    },
    description: {
      description: 'Free text for people reading the manifest; ignored by pixrender.',
      type: 'string',
      examples: ['Teaser for the autumn espresso campaign'],
    },
    defaults: { $ref: '#/$defs/defaults' },
    schedule: {
      description: 'When the renders are needed. Used by `offPeak: auto`.',
      type: 'object',
      additionalProperties: false,
      properties: {
        deadline: {
          description: 'ISO 8601 date-time by which every render must be done. `offPeak: auto` renders off-peak (half price, slower) only when the deadline still allows it. Absent: no deadline.',
          type: 'string',
          format: 'date-time',
          examples: ['2026-12-01T09:00:00Z'],
        },
      },
      examples: [{ deadline: '2026-12-01T09:00:00Z' }],
    },
    budget: {
      description: 'Spending limit. `plan` and `render` refuse to start a run that would spend more.',
      type: 'object',
      additionalProperties: false,
      properties: {
        credits: {
          description: 'Most credits one run may spend (PixVerse web credits).',
          type: 'number',
          minimum: 0,
          examples: [1500],
        },
      },
      examples: [{ credits: 1500 }],
    },
    vars: { $ref: '#/$defs/vars' },
    assets: {
      description: 'Local files by name, relative to the manifest. Jobs refer to them by name; each is uploaded once per content hash. Supported: png, jpg, jpeg, gif, webp (images); mp4, mov, 3gp, mkv, flv, mpeg, ts, avi, mjpeg, webm, ogv (videos); wav, mp3 (audio).',
      type: 'object',
      propertyNames: { $ref: '#/$defs/identifier' },
      additionalProperties: {
        description: 'Path of the file, relative to the manifest.',
        type: 'string',
        minLength: 1,
        examples: ['./images/hero.png'],
      },
      examples: [{ hero: './images/hero.png', jingle: './audio/jingle.mp3' }],
    },
    jobs: {
      description: 'The renders, by name. A name is a stable identity: it names the output file, the lock entry and the graph node.',
      type: 'object',
      minProperties: 1,
      propertyNames: { $ref: '#/$defs/identifier' },
      additionalProperties: { $ref: '#/$defs/job' },
      examples: [{ intro: { prompt: 'Slow dolly-in on a lighthouse at dusk' } }],
    },
    post: {
      description: 'Local steps (ffmpeg) after the renders they name.',
      type: 'array',
      items: { $ref: '#/$defs/postStep' },
      examples: [[{ concat: ['intro', 'outro'], output: 'teaser.mp4' }, { contactSheet: 'all' }]],
    },
    output: {
      description: 'Where outputs are written.',
      type: 'object',
      additionalProperties: false,
      properties: {
        dir: {
          description: 'Output folder, relative to the manifest and inside its folder (no `..` out, no absolute path, `/` between folders). Variables (`${name}`, manifest vars) are expanded. Default: project config `outputDir` (which may name a folder elsewhere), else `renders/${name}`.',
          type: 'string',
          minLength: 1,
          examples: ['renders/${name}'],
        },
        file: {
          description: 'File name pattern inside the output folder, ending in `.mp4`; `{job}` becomes the job id as a file name (`intro`, `intro.1`, `variants.style-clay.seed-1`). Default `{job}.mp4`. Outputs stay inside the manifest\'s folder and never replace the manifest, its lock, `.pixrender/`, a project config, `package.json` or a local input.',
          type: 'string',
          pattern: '\\{job\\}',
          examples: ['{job}.mp4'],
        },
      },
      examples: [{ dir: 'renders/${name}', file: '{job}.mp4' }],
    },
  },
  $defs: {
    identifier: {
      description: 'A name: a letter or _, then letters, digits, _ or -.',
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9_-]*$',
    },
    model: {
      description: 'PixVerse model (`model`). Checked against the models catalog (`pixrender models`); new models are catalog data.',
      type: 'string',
      minLength: 1,
      examples: ['v6', 'v5.6', 'pixverse-c1'],
    },
    quality: {
      description: "Output resolution (`quality`). Default: the model's (v6 720p, v5.x 540p); each model's qualities are in `pixrender models` (third-party models add e.g. 480p, 768p).",
      type: 'string',
      pattern: '^[0-9]+p$',
      examples: ['720p', '540p'],
    },
    duration: {
      description: 'Seconds of video (`duration`); for extend, the length of the extension. The catalog decides which durations each model and quality allow (v6 1-15 s; v5.x 1-10 s, 1080p at most 8 s).',
      type: 'integer',
      minimum: 1,
      maximum: 60,
      examples: [5, 15],
    },
    motion: {
      description: "Motion mode (`motion_mode`) of the Aug-2025 models (v4, v4.5): normal, or fast (twice the credits). Today's models no longer take it: a warning, and it is not sent.",
      enum: ['normal', 'fast'],
      examples: ['normal'],
    },
    aspect: {
      description: 'Aspect ratio (`aspect_ratio`) of text-to-video, frames and fusion jobs. Image-to-video follows the image and ignores it.',
      enum: ['16:9', '9:16', '1:1', '4:3', '3:4'],
      examples: ['16:9'],
    },
    seed: {
      description: 'Random seed (`seed`), 1 to 2147483647. When no seed is set anywhere, pixrender derives a fixed one from the job id, so renders stay reproducible.',
      type: 'integer',
      minimum: 1,
      maximum: 2147483647,
      examples: [1207],
    },
    offPeak: {
      description: 'Off-peak mode (`off_peak_mode`, half the credits, done within about 24 hours): never, always, or auto (off-peak when `schedule.deadline` allows it).',
      enum: ['never', 'always', 'auto'],
      examples: ['auto'],
    },
    prompt: {
      description: 'What to render (`prompt`), after `${var}` expansion at most 5,000 characters on create jobs and 2,048 on the others.',
      type: 'string',
      maxLength: 5000,
      examples: ['Slow dolly-in on ${product} on a marble counter, morning light'],
    },
    negativePrompt: {
      description: 'What to avoid (`negative_prompt`), for create and extend jobs.',
      type: 'string',
      maxLength: 2048,
      examples: ['blurry, text, watermark'],
    },
    style: {
      description: 'Visual style. For create and extend jobs the API\'s `style` (anime, 3d_animation, clay, comic, cyberpunk); for restyle jobs the name of a restyle preset (GET videos/restyles).',
      type: 'string',
      minLength: 1,
      examples: ['anime', 'clay'],
    },
    sound: {
      description: 'Sound effects or background audio to add (`sound_effect_prompt`), for create, frames and transition jobs.',
      type: 'string',
      maxLength: 2048,
      examples: ['espresso machine hiss, soft jazz'],
    },
    autoSound: {
      description: 'Let PixVerse choose a soundtrack (`auto_sound`), for create, frames and transition jobs.',
      type: 'boolean',
      examples: [true],
    },
    audio: {
      description: 'Render with audio (`audio`), for create, frames, extend and transition jobs on models that take it (v6, v5.6, v5.5; a 2-frame transition on v5.5/v5.6). v6 includes it in the price; v5.x add a surcharge.',
      type: 'boolean',
      examples: [true],
    },
    multiShot: {
      description: 'Several shots in one video (`multi_shot`), for create and frames jobs on v6 only.',
      type: 'boolean',
      examples: [true],
    },
    previewMode: {
      description: "A cheaper preview render (`preview_mode`), for create, frames and transition jobs on native models; priced × the account's `preview_mode_discount` (GET features).",
      type: 'boolean',
      examples: [true],
    },
    voice: {
      description: 'Voice name from GET videos/voices (matched case-insensitively) → `speaker_id`.',
      type: 'string',
      minLength: 1,
      examples: ['Emma'],
    },
    ref: {
      description: 'A video source: a job name (the end of its then-chain), a job id (`intro.1`, `variants[style=clay,seed=1]`), an asset name, or a file path relative to the manifest.',
      type: 'string',
      minLength: 1,
      examples: ['intro', 'intro.0', 'clip'],
    },
    frameRef: {
      description: 'An image: an asset name, a file path relative to the manifest, a job (its first or last frame, depending on the slot), or `{job, frame}` to pick the frame.',
      anyOf: [
        { type: 'string', minLength: 1 },
        {
          type: 'object',
          additionalProperties: false,
          required: ['job'],
          properties: {
            job: {
              description: 'The job whose output frame is used.',
              type: 'string',
              minLength: 1,
              examples: ['intro'],
            },
            frame: {
              description: 'Which frame of the job\'s output: first or last. Default: the slot\'s default.',
              enum: ['first', 'last'],
              examples: ['last'],
            },
          },
        },
      ],
      examples: ['hero', './images/cup.jpg', 'intro', { job: 'intro', frame: 'first' }],
    },
    vars: {
      description: 'Variables for `${name}` in strings. Precedence: manifest vars < job vars < matrix values. Built-in: `${name}` (manifest name), `${job}` (job id). `$${` writes a literal `${`.',
      type: 'object',
      propertyNames: { $ref: '#/$defs/identifier' },
      additionalProperties: {
        description: 'The value; it may use other variables.',
        type: ['string', 'number', 'boolean'],
        examples: ['a matte black espresso machine'],
      },
      examples: [{ product: 'a matte black espresso machine' }],
    },
    speech: {
      description: 'Speech rendered with the video (`lip_sync_tts_prompt`, `lip_sync_tts_speaker_id`), for create, frames and transition jobs.',
      type: 'object',
      additionalProperties: false,
      required: ['text'],
      properties: {
        text: {
          description: 'The words to speak.',
          type: 'string',
          minLength: 1,
          maxLength: 2048,
          examples: ['Good morning!'],
        },
        voice: { $ref: '#/$defs/voice' },
      },
      examples: [{ text: 'Good morning!', voice: 'Emma' }],
    },
    defaults: {
      description: 'Settings for every job that accepts them. Cascade: tool defaults < project config defaults < these < job fields < matrix values.',
      type: 'object',
      additionalProperties: false,
      properties: {
        ...SETTING_REFS,
      },
      examples: [
        {
          model: 'v6',
          quality: '720p',
          duration: 5,
          aspect: '16:9',
          offPeak: 'auto',
        },
      ],
    },
    thenStep: {
      description: '(derived from the kinds)',
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 1,
      properties: {},
      examples: [{ extend: { prompt: 'The camera pulls back' } }, { upscale: {} }],
    },
    matrixValues: {
      description: 'The values of one matrix key: one cell per value.',
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: ['string', 'number', 'boolean'] },
      examples: [['clay', 'anime']],
    },
    matrix: {
      description: 'Expand the job into one job per combination of values (cartesian product, in order), with ids like `variants[style=clay,seed=1]`. Each value is a variable, and also sets the job field of the same name when the job accepts it (model, quality, duration, motion, aspect, seed, offPeak, style, negativePrompt, sound, autoSound, audio, multiShot, previewMode, prompt, effect, image, lastImage).',
      type: 'object',
      minProperties: 1,
      propertyNames: { $ref: '#/$defs/identifier' },
      properties: {
        model: axis('Models, one cell each.', 'model', ['v6', 'v5.6']),
        quality: axis('Qualities, one cell each.', 'quality', ['360p', '720p']),
        duration: axis('Durations, one cell each.', 'duration', [5, 10]),
        motion: axis('Motion modes, one cell each.', 'motion', ['normal', 'fast']),
        aspect: axis('Aspect ratios, one cell each.', 'aspect', ['16:9', '9:16']),
        seed: axis('Seeds, one cell each.', 'seed', [1, 2, 3]),
        offPeak: axis('Off-peak policies, one cell each.', 'offPeak', ['never', 'always']),
        autoSound: axis('auto_sound values, one cell each.', 'autoSound', [true, false]),
        audio: axis('audio values, one cell each.', 'audio', [true, false]),
      },
      additionalProperties: { $ref: '#/$defs/matrixValues' },
      examples: [{ style: ['clay', 'anime', 'cyberpunk'], seed: [1, 2] }],
    },
    job: {
      description: '(derived from the kinds)',
      type: 'object',
      additionalProperties: false,
      properties: {
        description: {
          description: 'Free text for people reading the manifest; ignored by pixrender.',
          type: 'string',
          examples: ['Opening shot'],
        },
        prompt: { $ref: '#/$defs/prompt' },
        vars: { $ref: '#/$defs/vars' },
        ...SETTING_REFS,
        speech: { $ref: '#/$defs/speech' },
        then: {
          description: 'Post-steps, in order; step N gets the id `<job>.N` and consumes the step before it. A reference to the job means the end of its chain; `<job>.0` is the job\'s own render.',
          type: 'array',
          minItems: 1,
          items: { $ref: '#/$defs/thenStep' },
          examples: [[{ extend: { prompt: 'The camera pulls back' } }, { upscale: {} }]],
        },
        matrix: { $ref: '#/$defs/matrix' },
      },
      examples: [{ image: 'hero', prompt: 'Slow dolly-in on ${product}' }],
    },
    postStep: {
      description: 'A local step: `concat` (join videos in order) or `contactSheet` (a poster image of outputs).',
      type: 'object',
      additionalProperties: false,
      properties: {
        concat: {
          description: 'Jobs to join, in order. A job name means the end of its then-chain; a matrix job name means all its cells.',
          type: 'array',
          minItems: 1,
          items: { $ref: '#/$defs/ref' },
          examples: [['intro', 'bridge', 'pour']],
        },
        contactSheet: {
          description: '`all` (every job), or the jobs to show.',
          anyOf: [{ const: 'all' }, { type: 'array', minItems: 1, items: { $ref: '#/$defs/ref' } }],
          examples: ['all', ['intro', 'variants']],
        },
        output: {
          description: 'File name in the output folder. Required for concat (an .mp4); default for contactSheet `contact-sheet.png`.',
          type: 'string',
          minLength: 1,
          examples: ['teaser.mp4'],
        },
      },
      examples: [{ concat: ['intro', 'pour'], output: 'teaser.mp4' }],
    },
  },
};

/** A matrix key that is also a setting: its values, one cell each, each valid as that setting. */
function axis(description: string, setting: string, example: unknown): Record<string, unknown> {
  return { description, type: 'array', minItems: 1, uniqueItems: true, items: { $ref: `#/$defs/${setting}` }, examples: [example] };
}
