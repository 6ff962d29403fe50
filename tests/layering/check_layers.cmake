# The include rule of DESIGN §1, checked from the sources: a folder may include its own headers and
# those of folders listed before it in its stack, nothing above. Two stacks share the bottom: the
# backend's and the client's, so backend and client never include each other, and the UI sits on the
# client only. Run as: cmake -DSOURCE_DIR=<repo> -P check_layers.cmake (CTest does; see CMakeLists.txt).
# A folder not listed in any stack is an error too, so a new folder has to be placed on purpose.
# A second rule: the SQL of rows lives in backend/repositories (and the folders below the services);
# the services, the HTTP layer, the routes and the composition root run no query of their own.
# Both include spellings are read: "backend/http/x.h" and <backend/http/x.h>. A planted upward
# include in tests/layering/planted/ proves the check fails (ctest layering_includes_planted).

set(shared_bottom common common/net common/sql domain skills)
set(backend_stack ${shared_bottom}
  backend/db backend/config backend/storage backend/repositories backend/access backend/auth
  backend/providers backend/catalog backend/skills backend/assistant backend/generation backend/context backend/http backend/live backend/routes
  backend/server backend/tools)
set(client_stack ${shared_bottom}
  client client/net client/auth client/cache client/sync client/thumbnails client/tracking client/assistant client/workspace
  client/cli client/models
  ui)

# Folders that may not run SQL: a query type or the query header named in their sources is refused.
set(sql_free_folders backend/generation backend/context backend/http backend/live backend/routes backend/server)
set(sql_query_pattern "(SqlQuery|QSqlQuery|backend/db/sqlquery\\.h)")
# The first folder of every project include, as a regex alternation (for angle-bracket includes).
set(project_roots "(common|domain|skills|backend|client|ui)")

if(NOT SOURCE_DIR)
  message(FATAL_ERROR "check_layers: pass -DSOURCE_DIR=<repository root>")
endif()

# The folder of a source relative to core/ (or "ui" for ui/), e.g. backend/http.
function(layer_of path out)
  file(RELATIVE_PATH rel "${SOURCE_DIR}" "${path}")
  if(rel MATCHES "^core/(.*)/[^/]+$")
    set(${out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
  elseif(rel MATCHES "^ui/")
    set(${out} "ui" PARENT_SCOPE)
  else()
    set(${out} "" PARENT_SCOPE)
  endif()
endfunction()

# The stack a folder lives in and its place there (the index of its deepest listed ancestor).
function(place_of folder stack_out index_out)
  foreach(stack backend_stack client_stack)
    set(candidate "${folder}")
    while(NOT candidate STREQUAL "")
      list(FIND ${stack} "${candidate}" index)
      if(index GREATER -1)
        set(${stack_out} "${stack}" PARENT_SCOPE)
        set(${index_out} "${index}" PARENT_SCOPE)
        return()
      endif()
      get_filename_component(candidate "${candidate}" DIRECTORY)
    endwhile()
  endforeach()
  set(${stack_out} "" PARENT_SCOPE)
  set(${index_out} -1 PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE sources "${SOURCE_DIR}/core/*.h" "${SOURCE_DIR}/core/*.cpp" "${SOURCE_DIR}/ui/*.h" "${SOURCE_DIR}/ui/*.cpp")
set(violations 0)
list(LENGTH sources source_count)
foreach(source IN LISTS sources)
  layer_of("${source}" from)
  if(from STREQUAL "")
    continue()
  endif()
  place_of("${from}" from_stack from_index)
  file(RELATIVE_PATH rel "${SOURCE_DIR}" "${source}")
  if(from_index EQUAL -1)
    message("${rel}: folder ${from} is in no layer list (tests/layering/check_layers.cmake)")
    math(EXPR violations "${violations} + 1")
    continue()
  endif()
  foreach(sql_free IN LISTS sql_free_folders)
    if(from STREQUAL sql_free OR from MATCHES "^${sql_free}/")
      file(STRINGS "${source}" queries REGEX "${sql_query_pattern}")
      foreach(line IN LISTS queries)
        string(STRIP "${line}" line)
        message("${rel}: runs SQL in ${from} (\"${line}\"); put the query in a repository (backend/repositories)")
        math(EXPR violations "${violations} + 1")
      endforeach()
    endif()
  endforeach()
  # Quoted includes, and angle-bracket ones that name a project folder (<backend/...>): the latter
  # resolve through the same include path, so they must not slip past. Other angle-bracket includes
  # (<QString>, <openssl/evp.h>) are libraries.
  file(STRINGS "${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*(\"[^\"]+\"|<${project_roots}/[^>]+>)")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[\"<]([^\">]+)[\">].*$" "\\1" header "${line}")
    get_filename_component(to "${header}" DIRECTORY)
    if(to STREQUAL "" OR to STREQUAL from)
      continue() # its own folder (or a generated file beside it)
    endif()
    if(header MATCHES "^ui/")
      set(to "ui")
    endif()
    # Included folders are placed in the includer's stack: a client file including backend/... finds
    # no place there and is refused.
    set(to_index -1)
    set(candidate "${to}")
    while(NOT candidate STREQUAL "")
      list(FIND ${from_stack} "${candidate}" to_index)
      if(to_index GREATER -1)
        break()
      endif()
      get_filename_component(candidate "${candidate}" DIRECTORY)
    endwhile()
    if(to_index EQUAL -1)
      message("${rel}: includes \"${header}\", which ${from} may not use (not below it in its stack)")
      math(EXPR violations "${violations} + 1")
    elseif(to_index GREATER from_index)
      list(GET ${from_stack} ${from_index} from_place)
      list(GET ${from_stack} ${to_index} to_place)
      message("${rel}: includes \"${header}\": ${from_place} may not include ${to_place}, which is above it")
      math(EXPR violations "${violations} + 1")
    endif()
  endforeach()
endforeach()

if(violations GREATER 0)
  message(FATAL_ERROR "check_layers: ${violations} upward or cross-stack include(s) or SQL outside repositories in ${source_count} files")
endif()
string(REPLACE ";" ", " sql_free_list "${sql_free_folders}")
message("check_layers: ${source_count} files, no upward include, no SQL in ${sql_free_list}")
