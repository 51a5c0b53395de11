// The label selector string grammar, as upstream `labels.Parse` (k8s.io/apimachinery/pkg/labels/selector.go):
// a lexer over special symbols and identifiers, then a recursive-descent parser. Error texts are upstream's
// word for word because clients show them to users.

import { isQualifiedName as qualifiedNameErrors } from "../validation/names.ts";
import { compareStrings, type LabelOperator, type LabelRequirement, newRequirement } from "./label-requirement.ts";

type Token =
  | "error"
  | "eos"
  | "closedPar"
  | "comma"
  | "doesNotExist"
  | "doubleEquals"
  | "equals"
  | "greaterThan"
  | "identifier"
  | "in"
  | "lessThan"
  | "notEquals"
  | "notIn"
  | "openPar";

const literalTokens: Record<string, Token> = {
  ")": "closedPar",
  ",": "comma",
  "!": "doesNotExist",
  "==": "doubleEquals",
  "=": "equals",
  ">": "greaterThan",
  in: "in",
  "<": "lessThan",
  "!=": "notEquals",
  notin: "notIn",
  "(": "openPar",
};

/** Upstream lists these in "expected:" messages. */
const binaryOperators = ["in", "notin", "=", "==", "!=", "gt", "lt"];

const isWhitespace = (ch: string) => ch === " " || ch === "\t" || ch === "\r" || ch === "\n";
const isSpecialSymbol = (ch: string) => "=!(),><".includes(ch) && ch !== "";

interface Item {
  tok: Token;
  lit: string;
}

function lex(s: string): Item[] {
  let pos = 0;
  const read = () => (pos < s.length ? s[pos++]! : "");
  const unread = () => {
    pos--;
  };
  const items: Item[] = [];
  for (;;) {
    let ch = read();
    while (ch !== "" && isWhitespace(ch)) ch = read();
    let item: Item;
    if (ch === "") {
      item = { tok: "eos", lit: "" };
    } else if (isSpecialSymbol(ch)) {
      unread();
      // Longest run of symbols that still spells a token: "!=" beats "!", "==" beats "=".
      let buffer = "";
      let last: Item | undefined;
      for (;;) {
        const c = read();
        if (c === "") break;
        if (!isSpecialSymbol(c)) {
          unread();
          break;
        }
        buffer += c;
        const tok = literalTokens[buffer];
        if (tok) last = { tok, lit: buffer };
        else if (last) {
          unread();
          break;
        }
      }
      item = last ?? { tok: "error", lit: `error expected: keyword found '${buffer}'` };
    } else {
      unread();
      let buffer = "";
      for (;;) {
        const c = read();
        if (c === "") break;
        if (isSpecialSymbol(c) || isWhitespace(c)) {
          unread();
          break;
        }
        buffer += c;
      }
      item = { tok: literalTokens[buffer] ?? "identifier", lit: buffer };
    }
    items.push(item);
    if (item.tok === "eos") return items;
  }
}

/** Where a token is read: in value position the keywords `in`/`notin` are plain identifiers. */
type Context = "keyAndOperator" | "values";

class ParseError extends Error {}

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  private lookahead(ctx: Context): Item {
    return this.adjust(this.items[this.position]!, ctx);
  }

  private consume(ctx: Context): Item {
    return this.adjust(this.items[this.position++]!, ctx);
  }

  private adjust(item: Item, ctx: Context): Item {
    if (ctx === "values" && (item.tok === "in" || item.tok === "notIn")) return { tok: "identifier", lit: item.lit };
    return item;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead("values");
      if (tok === "identifier" || tok === "doesNotExist") {
        let r: LabelRequirement;
        try {
          r = this.parseRequirement();
        } catch (e) {
          if (e instanceof ParseError) throw new ParseError(`unable to parse requirement: ${e.message}`);
          throw e;
        }
        requirements.push(r);
        const next = this.consume("values");
        if (next.tok === "eos") return requirements;
        if (next.tok === "comma") {
          const after = this.lookahead("values");
          if (after.tok !== "identifier" && after.tok !== "doesNotExist") {
            throw new ParseError(`found '${after.lit}', expected: identifier after ','`);
          }
          continue;
        }
        throw new ParseError(`found '${next.lit}', expected: ',' or 'end of string'`);
      }
      if (tok === "eos") return requirements;
      throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
    }
  }

  private parseRequirement(): LabelRequirement {
    const [key, inferred] = this.parseKeyAndInferOperator();
    let values: string[] = [];
    let operator: LabelOperator;
    if (inferred) {
      operator = inferred;
    } else {
      operator = this.parseOperator();
      values = operator === "in" || operator === "notin" ? this.parseValues() : this.parseExactValue();
    }
    const built = newRequirement(key, operator, values);
    if (built.error !== undefined) throw new ParseError(built.error);
    return built.requirement;
  }

  private parseKeyAndInferOperator(): [string, LabelOperator | undefined] {
    let operator: LabelOperator | undefined;
    let item = this.consume("values");
    if (item.tok === "doesNotExist") {
      operator = "!";
      item = this.consume("values");
    }
    if (item.tok !== "identifier") throw new ParseError(`found '${item.lit}', expected: identifier`);
    const keyErrs = qualifiedNameErrors(item.lit);
    if (keyErrs.length) {
      // Upstream validates here with a nil field path, which prints as "<nil>".
      throw new ParseError(`<nil>: Invalid value: ${JSON.stringify(item.lit)}: ${keyErrs.join("; ")}`);
    }
    const next = this.lookahead("values").tok;
    if ((next === "eos" || next === "comma") && operator !== "!") operator = "exists";
    return [item.lit, operator];
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume("keyAndOperator");
    switch (tok) {
      case "in":
        return "in";
      case "equals":
        return "=";
      case "doubleEquals":
        return "==";
      case "greaterThan":
        return "gt";
      case "lessThan":
        return "lt";
      case "notIn":
        return "notin";
      case "notEquals":
        return "!=";
      default:
        throw new ParseError(`found '${lit}', expected: ${binaryOperators.join(", ")}`);
    }
  }

  private parseValues(): string[] {
    const open = this.consume("values");
    if (open.tok !== "openPar") throw new ParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead("values");
    if (tok === "identifier" || tok === "comma") {
      const values = this.parseIdentifiersList();
      // Upstream reports the literal seen before the list here, not the offending one.
      if (this.consume("values").tok !== "closedPar") throw new ParseError(`found '${lit}', expected: ')'`);
      return values;
    }
    if (tok === "closedPar") {
      this.consume("values");
      return [""];
    }
    throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
  }

  /** A comma-separated list of possibly empty values; returned sorted and unique, as upstream's string set. */
  private parseIdentifiersList(): string[] {
    const set = new Set<string>();
    const done = () => [...set].sort(compareStrings);
    for (;;) {
      const { tok, lit } = this.consume("values");
      if (tok === "identifier") {
        set.add(lit);
        const next = this.lookahead("values");
        if (next.tok === "comma") continue;
        if (next.tok === "closedPar") return done();
        throw new ParseError(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok === "comma") {
        if (set.size === 0) set.add(""); // "(,"
        const next = this.lookahead("values").tok;
        if (next === "closedPar") {
          set.add(""); // ",)"
          return done();
        }
        if (next === "comma") {
          this.consume("values");
          set.add(""); // ",,"
        }
        continue;
      }
      throw new ParseError(`found '${lit}', expected: ',', or identifier`);
    }
  }

  private parseExactValue(): string[] {
    const next = this.lookahead("values").tok;
    if (next === "eos" || next === "comma") return [""];
    const { tok, lit } = this.consume("values");
    if (tok === "identifier") return [lit];
    throw new ParseError(`found '${lit}', expected: identifier`);
  }
}

/**
 * Parses a label selector string into requirements sorted by key (stable), or returns upstream's error text.
 */
export function parseRequirements(selector: string): { requirements: LabelRequirement[] } | { error: string } {
  try {
    const requirements = new Parser(lex(selector)).parse();
    return { requirements: requirements.sort((a, b) => compareStrings(a.key, b.key)) };
  } catch (e) {
    if (e instanceof ParseError) return { error: e.message };
    throw e;
  }
}
