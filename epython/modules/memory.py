/*
 memory: give heap memory back (epiphany-emu's own implementation of ePython's module).

 free(a)  frees the array (or string) a holds
 gc()     collects every heap block no variable holds
*/

def free(a):
    native rtl_free(a)

def gc():
    native rtl_gc()
