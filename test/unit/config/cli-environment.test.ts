import { describe, expect, it } from 'vitest';
import {
  colorEnabled,
  DEFAULT_COLUMNS,
  readEnvironment,
  terminalColumns,
} from '../../../src/config/cli-environment.ts';

const terminal = { isTTY: true, columns: 132 };
const pipe = { isTTY: false };

describe('terminalColumns', () => {
  it("takes the terminal's width, else COLUMNS, else 100", () => {
    expect(terminalColumns(terminal, { COLUMNS: '80' })).toBe(132);
    expect(terminalColumns(pipe, { COLUMNS: '80' })).toBe(80);
    expect(terminalColumns(pipe, {})).toBe(DEFAULT_COLUMNS);
    expect(DEFAULT_COLUMNS).toBe(100);
  });

  it('ignores a COLUMNS that is not a positive whole number', () => {
    for (const COLUMNS of ['', 'wide', '0', '-5', '80.5'])
      expect(terminalColumns(pipe, { COLUMNS })).toBe(100);
  });
});

describe('colorEnabled', () => {
  it('colours a terminal, not a pipe', () => {
    expect(colorEnabled(terminal, {})).toBe(true);
    expect(colorEnabled(pipe, {})).toBe(false);
    expect(colorEnabled(terminal, { TERM: 'dumb' })).toBe(false);
  });

  it('turns colour off with a non-empty NO_COLOR', () => {
    expect(colorEnabled(terminal, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(terminal, { NO_COLOR: '' })).toBe(true);
  });

  it('lets FORCE_COLOR decide first, into a pipe too', () => {
    expect(colorEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(colorEnabled(terminal, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled(terminal, { FORCE_COLOR: 'false' })).toBe(false);
    expect(colorEnabled(terminal, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
  });
});

describe('readEnvironment', () => {
  it('reads the region, the endpoint and how stdout takes tables', () => {
    // Act
    const env = readEnvironment(
      { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', NO_COLOR: '1' },
      terminal,
    );

    // Assess
    expect(env).toMatchObject({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:5000',
      columns: 132,
      color: false,
    });
  });
});
