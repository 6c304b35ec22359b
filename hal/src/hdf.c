/* hdf.c -- libe-hal: platform descriptions.  The emulator describes its platform itself (e_init
 * reads no HDF); these calls are here for programs that use them: version strings to types
 * and chip parameters, and the ESDK's simple HDF format ("KEY value" lines). */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ehal-internal.h"

static const struct {
    e_platformtype_t type;
    const char *version;
} platforms[] = {
    {E_GENERIC, "GENERIC"},
    {E_EMEK301, "EMEK301"},
    {E_EMEK401, "EMEK401"},
    {E_ZEDBOARD1601, "ZEDBOARD1601"},
    {E_ZEDBOARD6401, "ZEDBOARD6401"},
    {E_PARALLELLA1601, "PARALLELLA1601"},
    {E_PARALLELLA6401, "PARALLELLA6401"},
    {E_PARALLELLASIM, "PARALLELLASIM"},
};

int ee_set_platform_params(e_platform_t *platform)
{
    size_t i;
    platform->type = E_GENERIC;         /* unknown versions are generic */
    for (i = 0; i < sizeof platforms / sizeof platforms[0]; i++)
        if (strcmp(platform->version, platforms[i].version) == 0)
            platform->type = platforms[i].type;
    return E_OK;
}

int ee_set_chip_params(e_chip_t *chip)
{
    const e_chip_db_t *db = &e_chip_params_table[0];   /* unknown versions: E16G301 */
    int i;
    for (i = 0; i < E_CHIP_DB_NUM_CHIP_VERSIONS; i++)
        if (strcmp(chip->version, e_chip_params_table[i].version) == 0)
            db = &e_chip_params_table[i];
    chip->type = db->type;
    chip->arch = db->arch;
    chip->rows = db->rows;
    chip->cols = db->cols;
    chip->num_cores = db->rows * db->cols;
    chip->sram_base = db->sram_base;
    chip->sram_size = db->sram_size;
    chip->regs_base = db->regs_base;
    chip->regs_size = db->regs_size;
    chip->ioregs_n = db->ioregs_n;
    chip->ioregs_e = db->ioregs_e;
    chip->ioregs_s = db->ioregs_s;
    chip->ioregs_w = db->ioregs_w;
    return E_OK;
}

void ee_trim_str(char *a)
{
    char *s = a, *e;
    while (isspace((unsigned char)*s))
        s++;
    memmove(a, s, strlen(s) + 1);
    e = a + strlen(a);
    while (e > a && isspace((unsigned char)e[-1]))
        *--e = '\0';
}

int ee_parse_xml_hdf(e_platform_t *dev, char *hdf)
{
    (void)dev;
    ehal_warn("ee_parse_xml_hdf", "%s: XML platform descriptions are not supported; use the "
              "simple HDF format", hdf ? hdf : "(null)");
    return E_ERR;
}

/* KEY value lines: PLATFORM_VERSION, NUM_CHIPS, CHIP, CHIP_ROW, CHIP_COL, NUM_EXT_MEMS, EMEM,
 * EMEM_BASE_ADDRESS, EMEM_EPI_BASE, EMEM_SIZE, EMEM_TYPE; "//" comments */
int ee_parse_simple_hdf(e_platform_t *dev, char *hdf)
{
    char line[256], key[128], val[128];
    e_chip_t *chip = NULL;
    e_memseg_t *mem = NULL;
    int nchip = -1, nmem = -1, lineno = 0, st = E_OK;
    FILE *f = fopen(hdf, "r");
    if (!f) {
        ehal_warn("ee_parse_simple_hdf", "cannot open the platform description %s", hdf);
        return E_ERR;
    }
    while (fgets(line, sizeof line, f)) {
        lineno++;
        ee_trim_str(line);
        if (!*line || strncmp(line, "//", 2) == 0)
            continue;
        val[0] = '\0';
        if (sscanf(line, "%127s %127s", key, val) < 1)
            continue;
        if (!strcmp(key, "PLATFORM_VERSION")) {
            snprintf(dev->version, sizeof dev->version, "%s", val);
        } else if (!strcmp(key, "NUM_CHIPS")) {
            dev->num_chips = atoi(val);
            dev->chip = dev->num_chips > 0 ? calloc((size_t)dev->num_chips, sizeof *dev->chip)
                                           : NULL;
        } else if (!strcmp(key, "NUM_EXT_MEMS")) {
            dev->num_emems = atoi(val);
            dev->emem = dev->num_emems > 0 ? calloc((size_t)dev->num_emems, sizeof *dev->emem)
                                           : NULL;
        } else if (!strcmp(key, "ESYS_REGS_BASE")) {
            /* obsolete */
        } else if (!strcmp(key, "CHIP")) {
            if (!dev->chip || ++nchip >= dev->num_chips)
                goto bad;
            chip = &dev->chip[nchip];
            chip->objtype = E_EPI_CHIP;
            snprintf(chip->version, sizeof chip->version, "%s", val);
        } else if (!strcmp(key, "CHIP_ROW") && chip) {
            chip->row = (unsigned)strtoul(val, NULL, 0);
        } else if (!strcmp(key, "CHIP_COL") && chip) {
            chip->col = (unsigned)strtoul(val, NULL, 0);
        } else if (!strcmp(key, "EMEM")) {
            if (!dev->emem || ++nmem >= dev->num_emems)
                goto bad;
            mem = &dev->emem[nmem];
            mem->objtype = E_EXT_MEM;
        } else if (!strcmp(key, "EMEM_BASE_ADDRESS") && mem) {
            mem->phy_base = (off_t)strtoul(val, NULL, 16);
        } else if (!strcmp(key, "EMEM_EPI_BASE") && mem) {
            mem->ephy_base = (off_t)strtoul(val, NULL, 16);
        } else if (!strcmp(key, "EMEM_SIZE") && mem) {
            mem->size = (size_t)strtoul(val, NULL, 16);
        } else if (!strcmp(key, "EMEM_TYPE") && mem) {
            mem->type = !strcmp(val, "RD") ? E_RD : !strcmp(val, "WR") ? E_WR : E_RDWR;
        } else {
            goto bad;
        }
        continue;
bad:
        ehal_warn("ee_parse_simple_hdf", "%s:%d: unexpected \"%s\"", hdf, lineno, line);
        st = E_ERR;
        break;
    }
    fclose(f);
    return st;
}

int ee_parse_hdf(e_platform_t *dev, char *hdf)
{
    size_t n = hdf ? strlen(hdf) : 0;
    if (n >= 4 && strcmp(hdf + n - 4, ".hdf") == 0)
        return ee_parse_simple_hdf(dev, hdf);
    if (n >= 4 && strcmp(hdf + n - 4, ".xml") == 0)
        return ee_parse_xml_hdf(dev, hdf);
    ehal_warn("ee_parse_hdf", "%s: not a platform description (.hdf)", hdf ? hdf : "(null)");
    return E_ERR;
}
