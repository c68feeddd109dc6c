/** Closed unions end their switches here: a new member that is not handled fails to compile. */
export function unreachable(value: never): never {
  throw new Error(`unhandled case ${JSON.stringify(value)}`);
}
