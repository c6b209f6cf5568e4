# Writes imapclient.pc for the prefix being installed to. Run by
# install(CODE) so that `cmake --install --prefix P` gets P, not the
# configure-time prefix. Inputs: PREFIX, LIBDIR, INCLUDEDIR (each relative
# to PREFIX or absolute), PROJECT_VERSION, SRC, DST.
set(PC_PREFIX "${PREFIX}")
foreach(kind LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${${kind}}")
    set(PC_${kind} "${${kind}}")
  else()
    # A multiarch libdir (lib/x86_64-linux-gnu) is two levels below the
    # prefix: spell it out instead of climbing from the .pc file.
    set(PC_${kind} "\${prefix}/${${kind}}")
  endif()
endforeach()
configure_file("${SRC}" "${DST}" @ONLY)
