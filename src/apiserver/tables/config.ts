// `kubectl get configmaps|secrets|serviceaccounts`: upstream printConfigMap, printSecret,
// printServiceAccount. Counts are int64 cells.
import { ageColumn, ageOf, column, nameColumn, nameOf, str, type TablePrinter } from "./columns.ts";

const count = (v: unknown): number =>
  Array.isArray(v) ? v.length : v && typeof v === "object" ? Object.keys(v).length : 0;

export const configMapTable: TablePrinter = {
  columns: [nameColumn, column("Data", "string", "Number of keys in data and binaryData."), ageColumn],
  cells: (cm, now) => [nameOf(cm), count(cm.data) + count(cm.binaryData), ageOf(cm, now)],
};

export const secretTable: TablePrinter = {
  columns: [
    nameColumn,
    column("Type", "string", "Type of the secret's content."),
    column("Data", "string", "Number of keys in data."),
    ageColumn,
  ],
  cells: (secret, now) => [nameOf(secret), str(secret.type), count(secret.data), ageOf(secret, now)],
};

export const serviceAccountTable: TablePrinter = {
  columns: [nameColumn, column("Secrets", "string", "Number of secrets listed for the service account."), ageColumn],
  cells: (sa, now) => [nameOf(sa), count(sa.secrets), ageOf(sa, now)],
};
