/**
 * CSV records (RFC 4180) from decoded text chunks. Written here rather than taken
 * from csv-parse because csv-parse turns the decoded text back into bytes and every
 * field into a string again: on a 590,000-row import that was the largest single
 * cost of the importing process (see README, "Stack notes"). Behaviour matches
 * csv-parse with `relax_quotes` and `relax_column_count` (a property test compares
 * them): quoted fields may hold delimiters, "" and line breaks; a quote inside an
 * unquoted field is kept as text; CRLF, LF and CR all end a record; an empty line
 * is a record of one empty field, so record numbers are the spreadsheet's rows.
 */
const QUOTE = 34;
const LF = 10;
const CR = 13;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** a quote inside a quoted field: the closing one, or the first of "" */
  QuoteInQuoted,
  /** after a CR: a following LF belongs to the same line end */
  AfterCR,
}

export class CsvReader {
  private readonly delimiter: number;
  private state = State.FieldStart;
  private field = '';
  private row: string[] = [];

  constructor(delimiter = ',') {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Reads a chunk; returns the records it completed. */
  push(chunk: string): string[][] {
    const out: string[][] = [];
    const d = this.delimiter;
    let start = 0; // where the current field's text in this chunk begins
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      switch (this.state) {
        case State.AfterCR:
          this.state = State.FieldStart;
          if (c === LF) continue;
        // falls through: the CR alone ended the line
        case State.FieldStart:
          if (c === QUOTE) {
            this.state = State.Quoted;
            start = i + 1;
            continue;
          }
          this.state = State.Unquoted;
          start = i;
        // falls through
        case State.Unquoted:
          if (c === d) this.endField(chunk, start, i);
          else if (c === LF || c === CR) {
            this.endField(chunk, start, i);
            out.push(this.endRow(c));
          }
          continue;
        case State.Quoted:
          if (c === QUOTE) {
            this.field += chunk.slice(start, i);
            this.state = State.QuoteInQuoted;
          }
          continue;
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            this.state = State.Quoted; // "" is one quote, kept from here
            start = i;
          } else if (c === d) this.endField(chunk, i, i);
          else if (c === LF || c === CR) {
            this.endField(chunk, i, i);
            out.push(this.endRow(c));
          } else {
            this.field += '"'; // text after a closing quote: the quote was part of the text
            this.state = State.Unquoted;
            start = i;
          }
          continue;
      }
    }
    if (this.state === State.Unquoted || this.state === State.Quoted) this.field += chunk.slice(start);
    return out;
  }

  /** The last record, when the text does not end with a line break. */
  end(): string[][] {
    if (this.state === State.FieldStart && this.row.length === 0) return [];
    if (this.state === State.AfterCR) return [];
    if (this.state === State.Quoted) this.state = State.Unquoted; // an unclosed quote ends at the end of the file
    this.endField('', 0, 0);
    const row = this.row;
    this.row = [];
    this.state = State.FieldStart;
    return [row];
  }

  private endField(chunk: string, start: number, end: number) {
    this.row.push(this.field + chunk.slice(start, end));
    this.field = '';
    this.state = State.FieldStart;
  }

  private endRow(c: number): string[] {
    const row = this.row;
    this.row = [];
    this.state = c === CR ? State.AfterCR : State.FieldStart;
    return row;
  }
}
