/*
 concurrency: let another core read and write this core's data directly (epiphany-emu's own
 implementation of ePython's module).

 expose(data, pid)  sends pid the mesh-global address of data (an array or a variable)
 access(pid)        receives such an address from pid and gives a variable that aliases the
                    remote data: loads and stores through it go over the mesh
*/

def expose(data, pid):
    _where=native rtl_global_reference(id(data))
    native rtl_send(_where, pid)

def access(src):
    _where=native rtl_recv(src)
    return native rtl_dereference(_where)
