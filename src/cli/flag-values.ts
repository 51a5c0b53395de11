// Checks shared by the commands' flag parsers: every mistake becomes one line, `loci <command>: --flag …`.
import { UsageError } from "./usage-error.ts";

export function flagValues(command: string) {
  const fail = (msg: string): never => {
    throw new UsageError(`loci ${command}: ${msg}`);
  };
  /** A whole number >= min; undefined means a required flag is missing. */
  const integer = (flag: string, text: string | undefined, min: number): number => {
    if (text === undefined) return fail(`--${flag} is required`);
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) {
      fail(`--${flag} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
    }
    return n;
  };
  /** Runs a parser; its error becomes the flag's usage error. */
  const flagValue = <T>(flag: string, parse: () => T): T => {
    try {
      return parse();
    } catch (e) {
      return fail(`--${flag}: ${(e as Error).message}`);
    }
  };
  return { fail, integer, flagValue };
}
