// The C sources of the task plugins the plugin scenarios build (scenarios/plugins.ts), shipped as
// strings like native/handlers.ts. Each plugin exports `int clw_handle_<name>(const char *payload)`,
// which gets the task's payload as JSON and returns 0 on success. Built with -g -O0, so a core names
// the handler's function and line.

/** libclwvips.so.1: the image library libclwimg.so is linked against (-lclwvips). */
export const VIPS_C = `int vips_thumbnail_width(int width, int max) {
  return width > max ? max : width;
}
`;

/** libclwimg.so: image handlers that call into libclwvips.so.1, so the loader needs it to load them. */
export const IMG_C = `#include <stdlib.h>
#include <string.h>

int vips_thumbnail_width(int width, int max);

static int number_after(const char *json, const char *key, int dflt) {
  const char *p = strstr(json, key);
  return p ? atoi(p + strlen(key)) : dflt;
}

int clw_handle_image_resize(const char *payload) {
  return vips_thumbnail_width(number_after(payload, "\\"width\\":", 1024), 320) > 0 ? 0 : 1;
}

int clw_handle_image_info(const char *payload) {
  return number_after(payload, "\\"width\\":", 0) >= 0 ? 0 : 1;
}
`;

/** libclwpdf.so: renders an invoice with the font its payload names; a font it does not ship is a
 *  NULL from find_font that clw_handle_pdf_render uses unchecked (the line marked SEGV_LINE). */
export const PDF_C = `#include <stdio.h>
#include <string.h>

struct font { const int *advance; const char *name; };

static const int dejavu_advance[128] = { ['I'] = 4, ['n'] = 9, ['v'] = 8, ['o'] = 9, ['i'] = 4, ['c'] = 8, ['e'] = 9 };
static const struct font fonts[] = { { dejavu_advance, "DejaVuSans" } };

static const struct font *find_font(const char *payload) {
  const char *p = strstr(payload, "\\"font\\":\\"");
  for (size_t i = 0; p && i < sizeof fonts / sizeof fonts[0]; i++)
    if (strncmp(p + 8, fonts[i].name, strlen(fonts[i].name)) == 0) return &fonts[i];
  return NULL;
}

int clw_handle_pdf_render(const char *payload) {
  const struct font *font = find_font(payload);
  const int *advance = font->advance; /* SEGV_LINE */
  int width = 0;
  for (const char *c = "Invoice"; *c; c++) width += advance[(unsigned char)*c & 127];
  printf("clw_handle_pdf_render: title width %d\\n", width);
  fflush(stdout);
  return width > 0 ? 0 : 1;
}
`;
