export interface TestPostgres {
  url: string;
  port: number;
  dir: string;
  createDatabase(name?: string): Promise<string>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}
export function postgresBin(): string | undefined;
export function postgresMissing(): string | undefined;
export function startPostgres(): Promise<TestPostgres>;
