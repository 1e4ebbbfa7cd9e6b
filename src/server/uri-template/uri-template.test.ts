import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UriTemplate, UriTemplateError } from './index.js';

// RFC 6570 section 3.2 example variables.
const vars = {
  var: 'value',
  hello: 'Hello World!',
  path: '/foo/bar',
  list: ['red', 'green', 'blue'],
  empty: '',
  x: '1024',
  y: '768',
};

const expand = (template: string) => new UriTemplate(template).expand(vars);

describe('UriTemplate.expand (RFC 6570 examples)', () => {
  it('level 1 and 2', () => {
    expect(expand('{var}')).toBe('value');
    expect(expand('{hello}')).toBe('Hello%20World%21');
    expect(expand('{+hello}')).toBe('Hello%20World!');
    expect(expand('{+path}/here')).toBe('/foo/bar/here');
    expect(expand('X{#var}')).toBe('X#value');
  });

  it('level 3', () => {
    expect(expand('map?{x,y}')).toBe('map?1024,768');
    expect(expand('{x,hello,y}')).toBe('1024,Hello%20World%21,768');
    expect(expand('{+x,hello,y}')).toBe('1024,Hello%20World!,768');
    expect(expand('X{.var}')).toBe('X.value');
    expect(expand('{/var,x}/here')).toBe('/value/1024/here');
    expect(expand('{;x,y,empty}')).toBe(';x=1024;y=768;empty');
    expect(expand('{?x,y,empty}')).toBe('?x=1024&y=768&empty=');
    expect(expand('?fixed=yes{&x}')).toBe('?fixed=yes&x=1024');
  });

  it('level 4: prefixes and explode', () => {
    expect(expand('{var:3}')).toBe('val');
    expect(expand('{list}')).toBe('red,green,blue');
    expect(expand('{list*}')).toBe('red,green,blue');
    expect(expand('{/list*}')).toBe('/red/green/blue');
    expect(expand('{?list*}')).toBe('?list=red&list=green&list=blue');
    expect(expand('{+path:6}/here')).toBe('/foo/b/here');
  });

  it('rejects malformed templates', () => {
    expect(() => new UriTemplate('a{b')).toThrow(UriTemplateError);
    expect(() => new UriTemplate('a}b')).toThrow(UriTemplateError);
    expect(() => new UriTemplate('{}')).toThrow(UriTemplateError);
    expect(() => new UriTemplate('{=x}')).toThrow(UriTemplateError);
    expect(() => new UriTemplate('{x:0}')).toThrow(UriTemplateError);
  });
});

describe('UriTemplate.match', () => {
  it('matches MCP-style templates and decodes values', () => {
    expect(new UriTemplate('test://template/{id}/data').match('test://template/42/data')).toEqual({
      id: '42',
    });
    expect(new UriTemplate('test://template/{id}/data').match('test://template/a%20b/data')).toEqual({
      id: 'a b',
    });
    expect(new UriTemplate('file:///{+path}').match('file:///a/b/c.txt')).toEqual({ path: 'a/b/c.txt' });
    expect(new UriTemplate('search{?q,lang}').match('search?lang=en&q=cats')).toEqual({
      q: 'cats',
      lang: 'en',
    });
    expect(new UriTemplate('search{?q,lang}').match('search')).toEqual({});
    expect(new UriTemplate('items{/ids*}').match('items/1/2')).toEqual({ ids: ['1', '2'] });
  });

  it('returns null for URIs that do not fit', () => {
    expect(new UriTemplate('test://template/{id}/data').match('test://template/1/2/data')).toBeNull();
    expect(new UriTemplate('test://template/{id}/data').match('test://other/1/data')).toBeNull();
    expect(new UriTemplate('a/{id}').match(`a/${'x'.repeat(70_000)}`)).toBeNull();
  });

  it('inverts expand for safe values', () => {
    const segment = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes('/'));
    fc.assert(
      fc.property(segment, (id) => {
        const template = new UriTemplate('test://template/{id}/data');
        expect(template.match(template.expand({ id }))).toEqual({ id });
      }),
    );
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.string({ minLength: 1, maxLength: 20 }),
        (q, lang) => {
          const template = new UriTemplate('search{?q,lang}');
          const matched = template.match(template.expand({ q, lang }));
          // Commas inside values are percent-encoded by expand, so they never split a value.
          expect(matched).toEqual({ q, lang });
        },
      ),
    );
  });
});
