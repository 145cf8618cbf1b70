/**
 * What a handler returns to answer with a status and headers but no body, outside its declared
 * success status — e.g. `304 Not Modified` for a conditional GET.
 */
export class EmptyResponse {
  constructor(
    readonly status: 304,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}
