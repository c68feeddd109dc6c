export interface TestPostgres {
  url: string;
  port: number;
  dir: string;
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}
export function postgresBin(): string | undefined;
export function postgresMissing(): string | undefined;
export function startPostgres(): Promise<TestPostgres>;
