# The link rule of DESIGN §1, enforced when the build is configured: the client core and the UI never
# link the backend, not even through another library. Only the programs' mains link both: app/desktop
# and app/cli embed the backend for the local library through EmbeddedBackend and nothing else. A target that
# breaks it stops `cmake --preset dev` with a message naming the path that reached the backend.

# Every library `target` links, directly or through others (LINK_LIBRARIES and INTERFACE_LINK_LIBRARIES).
function(vesper_linked_targets target out)
  set(seen "")
  set(queue ${target})
  while(queue)
    list(POP_FRONT queue current)
    if(NOT TARGET ${current} OR current IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${current})
    get_target_property(direct ${current} LINK_LIBRARIES)
    get_target_property(iface ${current} INTERFACE_LINK_LIBRARIES)
    foreach(lib IN LISTS direct iface)
      if(lib AND NOT lib MATCHES "^\\$<" AND TARGET ${lib})
        list(APPEND queue ${lib})
      endif()
    endforeach()
  endwhile()
  list(REMOVE_ITEM seen ${target})
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

# Fails the configure step when a client-side target reaches vesper_backend.
function(vesper_check_layer_links)
  foreach(target vesper_client vesper_ui)
    if(NOT TARGET ${target})
      continue()
    endif()
    vesper_linked_targets(${target} linked)
    if(vesper_backend IN_LIST linked)
      message(FATAL_ERROR "${target} links vesper_backend (through: ${linked}); the client core and the UI "
                          "talk to a backend over HTTP only (DESIGN §1). Only app/desktop may link both.")
    endif()
  endforeach()
endfunction()
